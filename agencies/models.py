"""Partner agencies, the people who work for them, and their roles.

An agency is a party to the information sharing agreement: the council's SEN team, the
educational psychology service, a health provider, children's social care, a school or setting.
A person works through one or more memberships; every permission is decided from the agency,
the role and (in ehcp/) the relationship to the case.
"""

import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class AgencyKind(models.TextChoices):
    SEN_TEAM = "SEN_TEAM", "Council SEN team"
    EP_SERVICE = "EP_SERVICE", "Educational psychology service"
    HEALTH = "HEALTH", "Health provider"
    SOCIAL_CARE = "SOCIAL_CARE", "Children's social care"
    SCHOOL = "SCHOOL", "School or setting"
    OTHER = "OTHER", "Other"


class Role(models.TextChoices):
    CASEWORKER = "CASEWORKER", "SEND caseworker"
    SEN_MANAGER = "SEN_MANAGER", "SEN manager"
    EDUCATIONAL_PSYCHOLOGIST = "EDUCATIONAL_PSYCHOLOGIST", "Educational psychologist"
    HEALTH_ADVISER = "HEALTH_ADVISER", "Health adviser"
    SOCIAL_CARE_ADVISER = "SOCIAL_CARE_ADVISER", "Social care adviser"
    SENCO = "SENCO", "SENCo"
    PANEL_MEMBER = "PANEL_MEMBER", "Panel member"
    PANEL_CHAIR = "PANEL_CHAIR", "Panel chair"
    ADMINISTRATOR = "ADMINISTRATOR", "Administrator"
    IG_LEAD = "IG_LEAD", "Information governance lead"


# Roles that may run the council's statutory casework (decide, issue, record exceptions).
COUNCIL_CASEWORK_ROLES = frozenset({Role.CASEWORKER, Role.SEN_MANAGER})
# Roles that manage a queue: reassign tasks, see the caseload, override a consent gate.
MANAGER_ROLES = frozenset({Role.SEN_MANAGER, Role.ADMINISTRATOR})


# Who may use emergency (break-glass) access to a case outside their relationship to it (AC-07).
# The information sharing agreement lets its partners' practitioners share without the usual
# route when a child is at risk or has an urgent health or care need (section 4.2), so only the
# partners' professional advisers may: the educational psychologist, the health adviser and the
# social care adviser. Not the council's caseworkers and SEN managers (they already see every
# case of their council), not its panel members or administrators (no care role), not the IG
# lead (who reviews every use and must not review their own), and not schools' SENCos (schools
# receive information under the statutory consultation, not as parties to emergency sharing).
# Their agency must also be a party to an agreement in force with the council (SharingAgreement).
BREAK_GLASS_ROLES = frozenset(
    {Role.EDUCATIONAL_PSYCHOLOGIST, Role.HEALTH_ADVISER, Role.SOCIAL_CARE_ADVISER}
)


# Who may claim and complete the tasks in each kind of agency's queue.
QUEUE_ROLES = {
    AgencyKind.SEN_TEAM: frozenset({Role.CASEWORKER, Role.SEN_MANAGER}),
    AgencyKind.EP_SERVICE: frozenset({Role.EDUCATIONAL_PSYCHOLOGIST}),
    AgencyKind.HEALTH: frozenset({Role.HEALTH_ADVISER}),
    AgencyKind.SOCIAL_CARE: frozenset({Role.SOCIAL_CARE_ADVISER}),
    AgencyKind.SCHOOL: frozenset({Role.SENCO}),
    AgencyKind.OTHER: frozenset(Role),
}


class Agency(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=AgencyKind.choices, db_index=True)
    # Schools and settings: DfE unique reference number, used for SEN2 placements.
    urn = models.CharField("URN", max_length=10, blank=True)
    # An infant school (Reception to Year 2): its pupils move to a junior school for Year 3, a
    # transfer between phases whose review must end by 15 February (reg 18(1)).
    infant_school = models.BooleanField(
        default=False,
        help_text="Its pupils move to a junior school for Year 3 (a phase transfer, reg 18).",
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        indexes = [
            # Finding a school by name or URN among about 24,000 (agencies.schools).
            models.Index(fields=["kind", "name"], name="agency_kind_name"),
            models.Index(fields=["urn"], name="agency_urn", condition=~models.Q(urn="")),
        ]

    def __str__(self):
        return self.name


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True, agency__is_active=True)


class Membership(models.Model):
    """A person working for an agency in a role. Revoking it takes effect on the next request.

    Protected whereabouts (address, setting, contacts of a child at risk) are hidden from
    everyone unless their membership carries the explicit permission (DM-02).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    may_see_protected_whereabouts = models.BooleanField(
        default=False,
        help_text="Explicit permission to see the address, setting and contacts of a child whose whereabouts are protected.",
    )
    # The agency names its managers: they are told when a task in its queue is overdue, or a
    # message about one could not be delivered (notifications). A council's SEN managers manage
    # its SEN team by their role.
    is_agency_manager = models.BooleanField(
        "Manages this agency's queue",
        default=False,
        help_text="Told when a task in this agency's queue is overdue or a message about one could not be delivered.",
    )

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="unique_membership"),
        ]

    def __str__(self):
        return f"{self.user} - {self.get_role_display()}, {self.agency}"


class DataType(models.TextChoices):
    """The kinds of information the information sharing agreement lets partners share (section 3)."""

    IDENTITY = "IDENTITY", "Name and date of birth"
    IDENTIFIERS = "IDENTIFIERS", "Identifiers (UPN, NHS number)"
    CONTACT = "CONTACT", "Address and family contact details"
    EDUCATION = "EDUCATION", "Education: setting, needs and the request"
    HEALTH = "HEALTH", "Relevant health information"
    SOCIAL_CARE = "SOCIAL_CARE", "Social care information"
    SAFEGUARDING = "SAFEGUARDING", "Safeguarding concerns"
    PLAN = "PLAN", "Statutory plans and advice"


class DataAccessRule(models.Model):
    """What an agency of a kind may see and receive for a purpose: the agreement as data (AC-04, DM-01).

    Every page, document and export asks this table; nothing is shown or shared that no rule allows.
    """

    agency_kind = models.CharField(max_length=20, choices=AgencyKind.choices)
    purpose = models.CharField(max_length=30)
    data_type = models.CharField(max_length=20, choices=DataType.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["agency_kind", "purpose", "data_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency_kind", "purpose", "data_type"], name="unique_data_access_rule"
            ),
        ]

    def __str__(self):
        return f"{self.get_agency_kind_display()} may see {self.get_data_type_display().lower()} for {self.purpose}"


class SharingAgreementQuerySet(models.QuerySet):
    def in_force(self, today):
        """Agreements in force on `today`: started, and not yet ended (the end date is the last
        day). The same test as `agencies.rules.agreements.in_force`, done in the database."""
        return self.filter(starts_on__lte=today).filter(
            models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=today)
        )


class SharingAgreement(models.Model):
    """An information sharing agreement between a council and its partner agencies (LB-06).

    Only an agency that is a party to an agreement in force with the council that holds a case
    may use emergency (break-glass) access to it (AC-07). An agreement that has ended, or has not
    started, gives its parties nothing. Edit it in the Django admin when a new version is signed,
    a partner joins or leaves, or the review date moves; every change is kept in its history.
    """

    reference = models.CharField(
        max_length=200,
        unique=True,
        help_text="The agreement's name and version, for example "
        '"SEND Information Sharing Agreement v3 (2021)".',
    )
    council = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="sharing_agreements_held",
        limit_choices_to={"kind": AgencyKind.SEN_TEAM},
        help_text="The council SEN team whose cases the agreement covers.",
    )
    parties = models.ManyToManyField(
        Agency,
        related_name="sharing_agreements",
        blank=True,
        help_text="The partner agencies that signed the agreement.",
    )
    starts_on = models.DateField("Starts on", help_text="The first day the agreement is in force.")
    review_on = models.DateField(
        "Review by", null=True, blank=True, help_text="When the agreement must next be reviewed."
    )
    ends_on = models.DateField(
        "Ends on",
        null=True,
        blank=True,
        help_text="The last day the agreement is in force. Leave blank while it has no end date.",
    )

    objects = SharingAgreementQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[parties])

    class Meta:
        ordering = ["council__name", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="agreement_ends_after_it_starts",
                violation_error_message="The end date must be the same as or after the start date",
            ),
        ]

    def __str__(self):
        return self.reference


class SignInSession(models.Model):
    """Which server-side session belongs to whom, written at sign-in, so that disabling an account
    or revoking a membership can end that person's live sessions at once (AC-06)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_key = models.CharField(max_length=40, unique=True)
    signed_in_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "signed_in_at"])]

    def __str__(self):
        return f"Session of {self.user} from {self.signed_in_at:%Y-%m-%d %H:%M}"
