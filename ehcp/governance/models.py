"""Information governance: who read what, what was shared with whom and why, and security incidents.

- `AccessEvent`: one row per page, document, print, export or report that showed a child's record
  (AU-01). Written by `ehcp.governance.audit.audit_read` in the same transaction as the page (AU-02).
- `Disclosure`: one row per share with a partner agency, with the recipient, the exact fields or
  documents, a hash of what was sent, and the lawful basis (LB-01, LB-02, AU-04). Written only by
  `ehcp.governance.services.disclosure_record`.
- `DecisionNotToShare`: a decision not to share, with its reasons (LB-05).
- `SecurityIncident`: the register of security incidents and personal data breaches (AU-08).

Audit and disclosure rows are append-only for the application: `save()` refuses to update one,
`delete()` refuses, the querysets refuse `update()` and `delete()`, and on PostgreSQL a trigger
(migration 0004) refuses UPDATE and DELETE from any SQL. Incidents can be updated (the
notification decision comes later) but never deleted.
"""

import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from agencies.models import Agency
from ehcp.children.rules import consent as consent_rules
from ehcp.governance.rules import disclosure as disclosure_rules
from ehcp.governance.rules import incidents as incident_rules


class AppendOnlyError(Exception):
    """Audit and disclosure records are never changed or removed."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} cannot be changed")

    def delete(self):
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} cannot be deleted")

    def _raw_delete(self, using):
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} cannot be deleted")


class AppendOnlyModel(models.Model):
    """A record written once. Updating or deleting it raises `AppendOnlyError`."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
        base_manager_name = "objects"

    def save(self, *args, **kwargs):
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise AppendOnlyError(f"A {self._meta.verbose_name} cannot be changed once written")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"A {self._meta.verbose_name} cannot be deleted")


# -- the read audit (AU-01, AU-02) --------------------------------------------------------


class AccessWhat(models.TextChoices):
    CASE = "case", "Case record"
    TASK = "task", "Task page"
    DOCUMENT = "document", "Document"
    LIST = "list", "List of cases"
    REPORT = "report", "Governance report"
    EXPORT = "export", "Export"
    PRINT = "print", "Print"
    BREAK_GLASS = "break-glass", "Break-glass access granted"


class AccessRelationship(models.TextChoices):
    COUNCIL = "council", "Council that holds the case"
    PARTNER = "partner", "Partner agency working on the case"
    BREAK_GLASS = "break-glass", "Break-glass"
    IG = "ig", "Information governance"
    SUPPORT = "support", "Support site (administrator)"


class Severity(models.TextChoices):
    NORMAL = "NORMAL", "Normal"
    HIGH = "HIGH", "High"


class AccessEvent(AppendOnlyModel):
    """Someone saw (part of) a child's record: who, in which role and agency, what, when, from where.

    Holds the data types shown, never their values. List pages record the children they listed.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_events"
    )
    roles = models.JSONField(default=list, help_text="The person's roles at the time")
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    child = models.ForeignKey(
        "children.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "assessments.Assessment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    what = models.CharField(max_length=20, choices=AccessWhat.choices)
    data_types = models.JSONField(default=list, help_text="The data types shown (never the values)")
    relationship = models.CharField(max_length=20, choices=AccessRelationship.choices)
    break_glass = models.ForeignKey(
        "governance.BreakGlassGrant",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_events",
    )
    child_ids = models.JSONField(
        default=list, blank=True, help_text="List pages: the children listed"
    )
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.NORMAL)
    occurred_at = models.DateTimeField(db_index=True)
    request_id = models.CharField(max_length=64)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta(AppendOnlyModel.Meta):
        db_table = "ehcp_accessevent"
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["child", "occurred_at"]),
            models.Index(fields=["user", "occurred_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(request_id=""), name="access_event_has_request_id"
            ),
        ]

    def __str__(self):
        return f"{self.get_what_display()} seen by user {self.user_id} at {self.occurred_at:%Y-%m-%d %H:%M}"


# -- the disclosure log (LB-01, LB-02, LB-04, LB-05, AU-04) --------------------------------


class Channel(models.TextChoices):
    """How information goes to a partner (information sharing agreement, section 5)."""

    PORTAL = "PORTAL", "The advice portal in this service"
    SECURE_EMAIL = "SECURE_EMAIL", "Secure encrypted e-mail"
    POST = "POST", "Special delivery post, marked confidential, to a named person"
    HAND = "HAND", "Hand delivery to a named person"


def _mentions(data_type: str) -> models.Q:
    # data_types is a JSON list of DataType codes; '"HEALTH"' matches exactly that element.
    return models.Q(data_types__icontains=f'"{data_type}"')


_SPECIAL_CATEGORY_SHARED = models.Q()
for _code in sorted(disclosure_rules.SPECIAL_CATEGORY):
    _SPECIAL_CATEGORY_SHARED |= _mentions(_code)


class Disclosure(AppendOnlyModel):
    """Information about a child shared with a partner agency: to whom, exactly what, why, how.

    Answers "who received field F about child C, and when" (`disclosures_of_field`). The hash is of
    the values as sent, so a later change to the child's record does not change it.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The assessment it was shared for; none for a share outside one (a panel's papers).
    case = models.ForeignKey(
        "assessments.Assessment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disclosures",
    )
    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="disclosures"
    )
    recipient = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="disclosures_received"
    )
    recipient_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(
        max_length=30, choices=[(p.value, p.label) for p in consent_rules.Purpose]
    )
    data_types = models.JSONField(help_text="DataType codes shared")
    fields = models.JSONField(help_text="The names of the fields actually sent")
    document_ids = models.JSONField(default=list, blank=True)
    content_sha256 = models.CharField(max_length=64)
    art6_basis = models.CharField("UK GDPR Article 6 basis", max_length=120)
    statutory_power = models.CharField(max_length=200)
    art9_condition = models.CharField("UK GDPR Article 9 condition", max_length=120, blank=True)
    dpa_schedule1_condition = models.CharField(
        "DPA 2018 Schedule 1 condition", max_length=120, blank=True
    )
    isa_reference = models.CharField("Information sharing agreement", max_length=200)
    consent = models.ForeignKey(
        "children.ConsentRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disclosures",
    )
    override = models.ForeignKey(
        "children.ConsentOverride",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disclosures",
    )
    justification = models.TextField(
        blank=True, help_text="Why the share went ahead without consent"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    shared_at = models.DateTimeField(db_index=True)

    class Meta(AppendOnlyModel.Meta):
        db_table = "ehcp_disclosure"
        ordering = ["shared_at", "pk"]
        indexes = [models.Index(fields=["child", "shared_at"])]
        constraints = [
            # LB-01: no share without an Article 6 basis, a statutory power, the agreement and a purpose.
            models.CheckConstraint(
                condition=~models.Q(art6_basis="")
                & ~models.Q(statutory_power="")
                & ~models.Q(isa_reference="")
                & ~models.Q(purpose="")
                & ~models.Q(content_sha256="")
                & ~models.Q(channel=""),
                name="disclosure_has_lawful_basis",
            ),
            # LB-02: special category data also needs an Article 9 and a Schedule 1 condition.
            models.CheckConstraint(
                condition=~_SPECIAL_CATEGORY_SHARED
                | (~models.Q(art9_condition="") & ~models.Q(dpa_schedule1_condition="")),
                name="disclosure_special_category_conditions",
            ),
            # LB-04, LB-05: consent, or a recorded justification for sharing without it.
            models.CheckConstraint(
                condition=models.Q(consent__isnull=False) | ~models.Q(justification=""),
                name="disclosure_consent_or_justification",
            ),
            models.CheckConstraint(
                condition=models.Q(override__isnull=True)
                | (~models.Q(justification="") & ~models.Q(dpa_schedule1_condition="")),
                name="disclosure_override_is_justified",
            ),
        ]

    def __str__(self):
        return f"Shared with {self.recipient} on {self.shared_at:%Y-%m-%d}"

    @property
    def without_consent(self) -> bool:
        return self.consent_id is None


class DecisionNotToShare(AppendOnlyModel):
    """A recorded decision not to share information with an agency, and why (DfE golden rule 7)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        "assessments.Assessment", on_delete=models.PROTECT, related_name="decisions_not_to_share"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(
        max_length=30, choices=[(p.value, p.label) for p in consent_rules.Purpose]
    )
    reason = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta(AppendOnlyModel.Meta):
        db_table = "ehcp_decisionnottoshare"
        ordering = ["decided_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reason="") & ~models.Q(purpose=""),
                name="decision_not_to_share_has_reason",
            ),
        ]

    def __str__(self):
        return f"Decision not to share with {self.agency}"


# -- security incidents (AU-08) -----------------------------------------------------------


class IncidentKind(models.TextChoices):
    CONFIDENTIALITY = "C", "Confidentiality: information seen or sent where it should not be"
    INTEGRITY = "I", "Integrity: information wrongly changed or corrupted"
    AVAILABILITY = "A", "Availability: information lost or unavailable"


class NotifyDecision(models.TextChoices):
    PENDING = incident_rules.PENDING, "Not decided yet"
    NOTIFY = incident_rules.NOTIFY, "Report to the ICO"
    NOT_NOTIFY = incident_rules.NOT_NOTIFY, "Do not report to the ICO"


class SecurityIncidentQuerySet(models.QuerySet):
    def delete(self):
        raise AppendOnlyError("Security incidents cannot be deleted")

    def _raw_delete(self, using):
        raise AppendOnlyError("Security incidents cannot be deleted")


class SecurityIncident(models.Model):
    """A security incident or personal data breach. Recorded even when it is not reportable
    (UK GDPR Art 33(5)); never deleted."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=1, choices=IncidentKind.choices)
    description = models.TextField()
    aware_at = models.DateTimeField(help_text="When the council became aware of it")
    ico_deadline = models.DateTimeField(
        help_text="72 hours after becoming aware (ehcp.governance.rules.incidents)"
    )
    decision = models.CharField(
        max_length=20, choices=NotifyDecision.choices, default=NotifyDecision.PENDING
    )
    decision_reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    notified_ico_at = models.DateTimeField(null=True, blank=True)
    affected_children = models.ManyToManyField("children.Child", blank=True, related_name="+")
    partners_to_notify = models.ManyToManyField(Agency, blank=True, related_name="+")
    actions = models.TextField(
        blank=True, help_text="What was done to contain it and stop it happening again"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    objects = SecurityIncidentQuerySet.as_manager()
    history = HistoricalRecords(app="ehcp")

    class Meta:
        db_table = "ehcp_securityincident"
        ordering = ["-aware_at", "-pk"]
        base_manager_name = "objects"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(decision=incident_rules.NOT_NOTIFY)
                | ~models.Q(decision_reasons=""),
                name="incident_not_notified_has_reasons",
            ),
            models.CheckConstraint(
                condition=models.Q(notified_ico_at__isnull=True)
                | models.Q(decision=incident_rules.NOTIFY),
                name="incident_notified_only_when_decided",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.get_kind_display().split(':')[0]}"

    @property
    def reference(self) -> str:
        return f"SI{self.pk:06d}" if self.pk else "SI (new)"

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Security incidents cannot be deleted")


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
        "assessments.Assessment", on_delete=models.PROTECT, related_name="break_glass_grants"
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
        db_table = "ehcp_breakglassgrant"
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
        "assessments.Assessment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grant = models.OneToOneField(
        BreakGlassGrant, null=True, blank=True, on_delete=models.PROTECT, related_name="attempt"
    )
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        db_table = "ehcp_breakglassattempt"
        ordering = ["-attempted_at"]
        indexes = [models.Index(fields=["user", "outcome", "attempted_at"])]

    def __str__(self):
        return f"{self.get_outcome_display()} ({self.user}, {self.attempted_at:%Y-%m-%d %H:%M})"
