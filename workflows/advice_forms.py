"""Forms of the advice portal. They check shape only; the rules (at least one need, provision
quantified, the reg 8(2) exceptions) are in ehcp.assessments.rules.advice and the services."""

from django import forms

from agencies.models import Agency, AgencyKind
from ehcp.assessments.models import AdviceEntry, AdviceEntryKind, AdviceKind
from ehcp.assessments.rules import advice as rules
from ehcp.assessments.rules.deadlines import EXCEPTION_LIMBS
from ehcp.common.display import agency_label
from ehcp.common.forms import GovForm, SettingField, date_field

SECTION_LABELS = {
    "A": "The family's views, interests and aspirations (section A)",
    "B": "Special educational need (section B)",
    "C": "Health care need (section C)",
    "D": "Social care need (section D)",
    "E": "Outcome (section E)",
    "F": "Special educational provision (section F)",
    "G": "Health provision (section G)",
    "H1": "Social care provision under section 2 of the Chronically Sick and Disabled Persons Act 1970 (section H1)",
    "H2": "Other social care provision (section H2)",
}

# The sections an adviser of each kind most often writes in (the first choice shown).
DEFAULT_SECTIONS = {
    AdviceKind.HEALTH: {"NEED": "C", "PROVISION": "G"},
    AdviceKind.SOCIAL_CARE: {"NEED": "D", "PROVISION": "H2"},
}

LIMB_CHOICES = [(limb, f"Reg {limb}: {EXCEPTION_LIMBS[limb]}") for limb in rules.ADVICE_LIMBS]


class AdviceSubmitForm(GovForm):
    """Submitting advice through the portal: the check-your-answers page is the form."""


class FamilyViewsSubmitForm(GovForm):
    received_on = date_field("Date the family gave their views")


class AdviceReviewForm(GovForm):
    decision = forms.TypedChoiceField(
        label="Do you accept this advice?",
        choices=[("accept", "Yes, accept it"), ("return", "No, return it to the adviser")],
        coerce=lambda value: value == "accept",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you accept the advice"},
    )
    reasons = forms.CharField(
        label="What does the adviser need to change?",
        help_text="Only if you return it. The adviser sees this.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") is False and not (data.get("reasons") or "").strip():
            self.add_error("reasons", "Enter what the adviser needs to change")
        return data


ENTRY_TEXT = {
    "VIEWS": (
        "The family's views, interests and aspirations",
        "In their words where you can: what matters to them and what they hope for.",
    ),
    "NEED": (
        "Describe the need",
        "What the child or young person finds hard, and how it affects their learning, health or daily life.",
    ),
    "OUTCOME": (
        "Describe the outcome sought",
        "What the child or young person should be able to do, and by when. For example, by the end of Year 5.",
    ),
    "PROVISION": (
        "What is the provision?",
        "Specific: what will be done and how. Say who provides it and how often below.",
    ),
}
ENTRY_REQUIRED = {
    "VIEWS": "Enter the family's views",
    "NEED": "Describe the need",
    "OUTCOME": "Describe the outcome sought",
    "PROVISION": "Enter what the provision is",
}


class EntryForm(GovForm):
    """One view, need, outcome or provision. Who and how often may be left for later in a draft;
    they are needed before the advice is submitted."""

    def __init__(self, *args, kind: str, advice, entry: AdviceEntry | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        sections = rules.SECTIONS_BY_KIND[kind]
        label, hint = ENTRY_TEXT[kind]
        if len(sections) > 1:
            self.fields["plan_section"] = forms.ChoiceField(
                label="Which kind of provision is it?"
                if kind == "PROVISION"
                else "Which kind of need is it?",
                choices=[(code, SECTION_LABELS[code]) for code in sections],
                widget=forms.RadioSelect,
                initial=DEFAULT_SECTIONS.get(advice.kind, {}).get(kind, sections[0]),
                error_messages={"required": "Select which part of the plan this belongs in"},
            )
        self.fields["text"] = forms.CharField(
            label=label,
            help_text=hint,
            widget=forms.Textarea(attrs={"rows": 5}),
            error_messages={"required": ENTRY_REQUIRED[kind]},
        )
        if kind == "PROVISION":
            self.fields["who"] = forms.CharField(
                label="Who provides it?",
                help_text="A role, for example a speech and language therapist or a teaching assistant.",
                max_length=200,
                required=False,
            )
            self.fields["frequency_count"] = forms.IntegerField(
                label="How many times?",
                min_value=1,
                max_value=999,
                required=False,
                error_messages={
                    "invalid": "How many times must be a number, like 2",
                    "min_value": "How many times must be 1 or more",
                    "max_value": "How many times must be 999 or fewer",
                },
                widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
            )
            self.fields["frequency_period"] = forms.ChoiceField(
                label="Per",
                choices=[("", "Choose")]
                + [(code, text) for code, text in rules.FREQUENCY_PERIODS.items()],
                required=False,
            )
            self.fields["session_minutes"] = forms.IntegerField(
                label="Minutes each time (optional)",
                min_value=1,
                max_value=1440,
                required=False,
                error_messages={
                    "invalid": "Minutes each time must be a number, like 30",
                    "min_value": "Minutes each time must be 1 or more",
                    "max_value": "Minutes each time must be 1440 or fewer",
                },
                widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
            )
            self.fields["duration"] = forms.CharField(
                label="For how long? (optional)",
                help_text="For example, for a year, or until the next review.",
                max_length=200,
                required=False,
            )
            linkable = advice.entries.filter(
                kind__in=[AdviceEntryKind.NEED, AdviceEntryKind.OUTCOME]
            )
            if entry is not None:
                linkable = linkable.exclude(pk=entry.pk)
            self.fields["links"] = forms.ModelMultipleChoiceField(
                queryset=linkable.order_by("kind", "order", "pk"),
                label="Which needs and outcomes is it for? (optional)",
                widget=forms.CheckboxSelectMultiple,
                required=False,
                to_field_name="public_id",
            )
            self.fields["links"].label_from_instance = lambda e: (
                f"{e.get_kind_display()}: {e.text[:120]}"
            )
        if entry is not None and not self.is_bound:
            for name in (
                "plan_section",
                "text",
                "who",
                "frequency_count",
                "frequency_period",
                "session_minutes",
                "duration",
            ):
                if name in self.fields:
                    self.initial[name] = getattr(entry, name)
            if "links" in self.fields:
                self.initial["links"] = list(entry.links.values_list("public_id", flat=True))

    def clean(self):
        data = super().clean()
        if self.kind == "PROVISION" and bool(data.get("frequency_count")) != bool(
            data.get("frequency_period")
        ):
            if data.get("frequency_count"):
                self.add_error(
                    "frequency_period", "Choose how often: a day, a week, a month, a term or a year"
                )
            elif data.get("frequency_period"):
                self.add_error("frequency_count", "Enter how many times")
        return data

    def plan_section(self) -> str:
        return self.cleaned_data.get("plan_section") or rules.SECTIONS_BY_KIND[self.kind][0]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class AttachmentForm(GovForm):
    files = MultipleFileField(
        label="Upload a file",
        error_messages={
            "required": "Choose a file to upload",
            "empty": "The selected file is empty",
        },
    )


class ExtensionRequestForm(GovForm):
    new_date = date_field("Date your advice will be ready")
    reason = forms.CharField(
        label="Why do you need more time?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why you need more time"},
    )
    limb = forms.ChoiceField(
        label="Is it because of one of these? (SEND Regulations 2014, reg 8(2))",
        choices=LIMB_CHOICES + [("", "None of these")],
        widget=forms.RadioSelect,
        required=False,
    )
    starts_on = date_field("Date the circumstances began", required=False)
    ends_on = date_field("Date they ended (if they have)", required=False)

    def clean(self):
        data = super().clean()
        if data.get("limb") and not data.get("starts_on") and "starts_on" not in self.errors:
            self.add_error("starts_on", "Enter the date the circumstances began")
        return data


class ExtensionDecisionForm(GovForm):
    decision = forms.TypedChoiceField(
        label="Do you agree to more time?",
        choices=[("accept", "Yes, agree more time"), ("refuse", "No, refuse more time")],
        coerce=lambda value: value == "accept",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you agree to more time"},
    )
    exception_limb = forms.ChoiceField(
        label="Does a reg 8(2) exception apply?",
        help_text="If it does, it is recorded on the case. The statutory date does not change.",
        choices=LIMB_CHOICES + [("", "No: agree more time without recording an exception")],
        widget=forms.RadioSelect,
        required=False,
    )
    starts_on = date_field("Date the circumstances began", required=False)
    ends_on = date_field(
        "Date they ended",
        required=False,
        help_text="Or, if they are still going on, say so below. For example, 27 3 2026",
    )
    ongoing = forms.BooleanField(
        label="They are still going on (you can record the date they end on the case later)",
        required=False,
    )
    ongoing_evidence = forms.CharField(
        label="Evidence that they are still going on",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    decision_reason = forms.CharField(
        label="Reasons",
        help_text="Why you refused, or why the exception made the time limit impractical to meet. The adviser sees this.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    family_told_on = date_field(
        "Date the family was told",
        required=False,
        help_text="Needed if an exception applies. For example, 27 3 2026",
    )

    def clean(self):
        data = super().clean()
        accept = data.get("decision")
        if accept is False and not (data.get("decision_reason") or "").strip():
            self.add_error("decision_reason", "Enter why more time is refused")
        if accept and data.get("exception_limb"):
            if not (data.get("decision_reason") or "").strip():
                self.add_error(
                    "decision_reason",
                    "Explain why the exception made the time limit impractical to meet",
                )
            if not data.get("family_told_on") and "family_told_on" not in self.errors:
                self.add_error(
                    "family_told_on", "Enter the date the family was told about the exception"
                )
            if data.get("ongoing") and not (data.get("ongoing_evidence") or "").strip():
                self.add_error(
                    "ongoing_evidence",
                    "Enter the evidence that the circumstances are still going on",
                )
        return data


class AdviceCancelForm(GovForm):
    """The council cancels a request for advice (ADVICE-CANCEL)."""

    reason = forms.CharField(
        label="Why is this advice no longer needed?",
        help_text=(
            "For example: the adviser has nothing new to add, or advice already given is enough "
            "(reg 6(4)). The adviser's agency is told."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        error_messages={"required": "Enter the reason for cancelling the request for advice"},
    )


class AdviceAddForm(GovForm):
    """The council asks for more advice after the decision to assess (reg 6(1), due in 6 weeks
    under reg 8(1))."""

    kind = forms.ChoiceField(
        label="What advice do you need?",
        choices=[(value, label) for value, label in AdviceKind.choices],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of advice"},
    )
    agency = forms.ModelChoiceField(
        queryset=None,
        label="Who is asked for it?",
        help_text=(
            "The family's views are recorded by the council itself: choose the council. A "
            "school or setting is typed below."
        ),
        empty_label="Choose an agency",
        required=False,
    )
    setting = SettingField(label="Or a school or setting", required=False)
    requested_on = date_field(
        "Date of the request", help_text="The advice is due 6 weeks later (reg 8(1))."
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Schools are typed (about 24,000): the list has the other agencies.
        agencies = (
            Agency.objects.filter(is_active=True)
            .exclude(kind=AgencyKind.SCHOOL)
            .order_by("kind", "name")
        )
        child = case.child if case is not None else None
        if child is not None and child.protected_whereabouts:
            # A protected child's school is offered without its name, and no other school can
            # be typed, so the form gives away neither the school nor, by its absence, which one
            # it is (DM-02). Advice from another school is asked for by someone who may see it.
            del self.fields["setting"]
            self.fields[
                "agency"
            ].help_text = (
                "The family's views are recorded by the council itself: choose the council."
            )
            if child.current_setting_id:
                agencies = agencies | Agency.objects.filter(pk=child.current_setting_id)
            self.fields["agency"].label_from_instance = lambda agency: agency_label(
                agency, whereabouts=False, child=child
            )
        self.fields["agency"].queryset = agencies

    def clean(self):
        """`agency`: the agency chosen, or the school typed (one of them)."""
        data = super().clean()
        setting = data.pop("setting", None)
        if "agency" not in data or "setting" in self.errors:
            return data
        if data["agency"] is not None and setting is not None:
            self.add_error("setting", "Choose an agency or type a school, not both")
        elif data["agency"] is None and setting is None:
            self.add_error("agency", "Choose who is asked for the advice")
        else:
            data["agency"] = data["agency"] or setting
        return data
