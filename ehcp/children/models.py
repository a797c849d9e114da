"""The child, their parents and carers, and consent.

The tables keep the names they had before the rooms (`ehcp_child` ...): see ADR 0007."""

import uuid
from contextlib import contextmanager
from datetime import date

from django.conf import settings
from django.db import models, transaction
from django.db.models import Prefetch, prefetch_related_objects
from simple_history.models import HistoricalRecords

from agencies.models import Agency
from ehcp.children.rules import consent as consent_rules
from ehcp.children.rules import young_person as young_person_rules
from ehcp.common.prefetch import forget_prefetched


class Need(models.TextChoices):
    """SEN2 primary and secondary need codes (SEN type, item 5.8a)."""

    SPLD = "SPLD", "Specific learning difficulty"
    MLD = "MLD", "Moderate learning difficulty"
    SLD = "SLD", "Severe learning difficulty"
    PMLD = "PMLD", "Profound and multiple learning difficulty"
    SEMH = "SEMH", "Social, emotional and mental health"
    SLCN = "SLCN", "Speech, language and communication needs"
    HI = "HI", "Hearing impairment"
    VI = "VI", "Visual impairment"
    MSI = "MSI", "Multi-sensory impairment"
    PD = "PD", "Physical disability"
    ASD = "ASD", "Autistic spectrum disorder"
    DS = "DS", "Down syndrome"
    OTH = "OTH", "Other difficulty or disability"


class Child(models.Model):
    """A child or young person (0 to 25) known to the SEND service."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    upn = models.CharField("UPN", max_length=13, blank=True, help_text="Unique pupil number")
    nhs_number = models.CharField("NHS number", max_length=10, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    protected_whereabouts = models.BooleanField(
        default=False,
        help_text="Address, setting and contact details are shown only to those allowed to see them.",
    )
    current_setting = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pupils",
        limit_choices_to={"kind": "SCHOOL"},
    )
    primary_need = models.CharField(max_length=4, choices=Need.choices, blank=True)
    secondary_need = models.CharField(max_length=4, choices=Need.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(app="ehcp")

    class Meta:
        db_table = "ehcp_child"
        verbose_name_plural = "children"
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self):
        return self.full_name

    @classmethod
    def from_db(cls, db, field_names, values):
        child = super().from_db(db, field_names, values)
        child._stored_date_of_birth = child.__dict__.get("date_of_birth")
        return child

    def save(self, *args, **kwargs):
        """Save, and give the child's EHC plans the new date of birth if it changed (a plan keeps
        a copy for the review pipeline: `EhcPlan.child_date_of_birth`), in one transaction."""
        update_fields = kwargs.get("update_fields")
        saves_it = update_fields is None or "date_of_birth" in update_fields
        changed = (
            saves_it
            and not self._state.adding
            and getattr(self, "_stored_date_of_birth", None) != self.date_of_birth
        )
        with transaction.atomic(savepoint=False):
            super().save(*args, **kwargs)
            if changed:
                self.ehc_plans.update(child_date_of_birth=self.date_of_birth)
        if saves_it:
            self._stored_date_of_birth = self.date_of_birth

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, on: date) -> int:
        return consent_rules.age_on(self.date_of_birth, on)

    @property
    def young_person_from(self) -> date:
        """The first day they are a young person (over compulsory school age, CFA 2014 s.83)."""
        return young_person_rules.young_person_from(self.date_of_birth)

    def is_young_person(self, on: date) -> bool:
        return young_person_rules.is_young_person(self.date_of_birth, on)

    def young_person_facts(self) -> list[young_person_rules.RecordFact]:
        """The records about the young person, for the rules (prefetch `young_person_records`)."""
        return [record.as_fact() for record in self.young_person_records.all()]

    def who_consents(self) -> consent_rules.WhoConsents:
        """Who may consent for them on a given day, for the consent gate (prefetch
        `young_person_records`)."""
        return young_person_rules.who_consents(self.date_of_birth, self.young_person_facts())

    @contextmanager
    def consents_read_once(self):
        """For the length of the block, the child's consents (with the agencies each covers) and
        young-person records are read once, onto this instance, as they are on entering it: the
        consent gate and the shares it allows, checked in one service call, read them from
        here. On leaving, they are dropped (whether the call succeeded or was refused), so the
        next call on this instance reads them afresh and sees a consent recorded in between."""
        for name in _CONSENT_PREFETCH:
            forget_prefetched(self, name)
        prefetch_related_objects(
            [self],
            Prefetch("consents", queryset=ConsentRecord.objects.prefetch_related("agencies")),
            "young_person_records",
        )
        try:
            yield
        finally:
            for name in _CONSENT_PREFETCH:
                forget_prefetched(self, name)


#: What `Child.consents_read_once` holds for the length of its block.
_CONSENT_PREFETCH = ("consents", "young_person_records")


class ParentCarer(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="parents")
    name = models.CharField(max_length=200)
    relationship = models.CharField(
        max_length=60, help_text="For example mother, father, foster carer"
    )
    has_parental_responsibility = models.BooleanField(default=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)

    history = HistoricalRecords(app="ehcp")

    def __str__(self):
        return f"{self.name} ({self.relationship})"

    class Meta:
        db_table = "ehcp_parentcarer"


class ConsentMethod(models.TextChoices):
    WRITTEN = "WRITTEN", "Signed form or letter"
    EMAIL = "EMAIL", "E-mail"
    PORTAL = "PORTAL", "Online portal"
    VERBAL = "VERBAL", "Verbally, recorded by an officer"


class ConsentGiver(models.TextChoices):
    PARENT = "PARENT", "Parent or carer"
    YOUNG_PERSON = "YOUNG_PERSON", "The young person"


class ConsentRecord(models.Model):
    """Consent to share information for a purpose with named agencies. Never overwritten:
    a withdrawal is recorded on it, and a change of scope is a new record."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="consents")
    case = models.ForeignKey(
        "assessments.Assessment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consents",
    )
    purpose = models.CharField(
        max_length=30, choices=[(p.value, p.label) for p in consent_rules.Purpose]
    )
    agencies = models.ManyToManyField(Agency, related_name="consents")
    given_by = models.CharField(max_length=20, choices=ConsentGiver.choices)
    given_by_name = models.CharField(max_length=200)
    given_on = models.DateField()
    method = models.CharField(max_length=20, choices=ConsentMethod.choices)
    notes = models.TextField(
        blank=True, help_text="Capacity or competence, and anything else relevant"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(app="ehcp", m2m_fields=[agencies])

    class Meta:
        db_table = "ehcp_consentrecord"
        ordering = ["-given_on", "-pk"]

    def __str__(self):
        return f"{self.get_purpose_display()} consent from {self.given_by_name} on {self.given_on}"

    def as_fact(self) -> consent_rules.ConsentFact:
        return consent_rules.ConsentFact(
            purpose=self.purpose,
            agency_ids=frozenset(a.pk for a in self.agencies.all()),
            given_on=self.given_on,
            withdrawn_on=self.withdrawn_on,
            given_by=self.given_by,
        )


class ConsentOverride(models.Model):
    """An authorised, justified decision to let a consent-gated step go ahead without consent."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="consent_overrides"
    )
    step = models.CharField(max_length=30, choices=[(s.value, s.label) for s in consent_rules.Step])
    legal_condition = models.CharField(
        max_length=120,
        default="DPA 2018 Sch 1 para 18 (safeguarding of children and individuals at risk)",
    )
    justification = models.TextField()
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    authorised_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(app="ehcp")

    def __str__(self):
        return f"Consent override for {self.get_step_display()} on {self.case.reference}"

    class Meta:
        db_table = "ehcp_consentoverride"


class YoungPersonRecord(models.Model):
    """What the council records about a young person that changes who acts and who is written to:
    that they lack capacity to make decisions about their assessment and plan (Mental Capacity
    Act 2005; their parent or carer then acts for them, CFA 2014 s.80), or that they agree their
    parent or carer is sent the letters too. Never overwritten: its end is recorded on it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="young_person_records")
    kind = models.CharField(
        max_length=20, choices=[(k.value, k.label) for k in young_person_rules.RecordKind]
    )
    from_on = models.DateField(
        help_text="The date of the capacity assessment, or of their agreement"
    )
    reason = models.TextField(
        help_text="For capacity: the decisions, who assessed it, when and how. "
        "For agreement: how the young person told us."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    history = HistoricalRecords(app="ehcp")

    class Meta:
        ordering = ["-from_on", "-pk"]

    def __str__(self):
        return f"{self.child.first_name}: {self.get_kind_display()}, from {self.from_on:%-d %B %Y}"

    def as_fact(self) -> young_person_rules.RecordFact:
        return young_person_rules.RecordFact(
            kind=self.kind, from_on=self.from_on, ended_on=self.ended_on
        )

    def is_current(self, on: date) -> bool:
        return self.as_fact().is_current(on)
