"""Break-glass: time-limited access to a case outside a person's relationship to it (AC-07)."""

import uuid

from django.conf import settings
from django.db import models


class BreakGlassReason(models.TextChoices):
    SAFEGUARDING = "SAFEGUARDING", "A safeguarding concern needs action now"
    URGENT_CARE = "URGENT_CARE", "Urgent health or care need"
    COVER = "COVER", "Covering for an absent colleague"
    TRIBUNAL = "TRIBUNAL", "A tribunal or complaint deadline"


class BreakGlassGrantQuerySet(models.QuerySet):
    def active(self, now):
        return self.filter(granted_at__lte=now, expires_at__gt=now)


class BreakGlassGrant(models.Model):
    """Access granted, with a reason, to a person outside the case. It expires by itself, never
    reveals protected whereabouts, and waits in the information governance lead's review queue."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        "ehcp.Case", on_delete=models.PROTECT, related_name="break_glass_grants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_grants"
    )
    reason = models.CharField(max_length=20, choices=BreakGlassReason.choices)
    justification = models.TextField()
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_outcome = models.CharField(
        max_length=20,
        blank=True,
        choices=[
            ("APPROPRIATE", "Access was appropriate"),
            ("INAPPROPRIATE", "Access was not appropriate"),
        ],
    )
    review_notes = models.TextField(blank=True)

    objects = BreakGlassGrantQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["user", "case", "expires_at"])]

    def __str__(self):
        return f"Break-glass access to {self.case.reference} by {self.user}"


class BreakGlassOutcome(models.TextChoices):
    GRANTED = "GRANTED", "Access granted"
    NOT_MATCHED = "NOT_MATCHED", "Refused: the details did not match a case they may ask for"
    NOT_ALLOWED = "NOT_ALLOWED", "Refused: their role or agency may not use emergency access"
    LIMITED = "LIMITED", "Refused: too many requests"


class BreakGlassAttempt(models.Model):
    """Every request for emergency access, granted or refused (AC-07). Failed attempts count
    towards the rate limit and show the IG lead who has been probing for cases. It holds what
    the person typed as the reference, never the child's details they entered."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attempted_at = models.DateTimeField()
    outcome = models.CharField(max_length=20, choices=BreakGlassOutcome.choices)
    reference_entered = models.CharField(max_length=20, blank=True)
    # The case the reference points at, if any, even when the other details did not match.
    case = models.ForeignKey(
        "ehcp.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grant = models.OneToOneField(
        BreakGlassGrant, null=True, blank=True, on_delete=models.PROTECT, related_name="attempt"
    )
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-attempted_at"]
        indexes = [models.Index(fields=["user", "outcome", "attempted_at"])]

    def __str__(self):
        return f"{self.get_outcome_display()} ({self.user}, {self.attempted_at:%Y-%m-%d %H:%M})"
