"""The panel's forms: raising and completing a funding request, scheduling a meeting and its
agenda, attendance, a declared interest, and the panel's decision. Money and shares are typed as
text and parsed by `panel.rules.money` (never through a float), so every message is the rule's."""

from django import forms

from ehcp.common.forms import GovForm, date_field
from panel.models import AttendanceStatus, FundingKind, PlanUpdate
from panel.rules import money
from panel.rules.decisions import OUTCOME_LABELS, Outcome
from panel.rules.money import FUNDERS, Funder

_TEXT = {"rows": 4}
SHARE_FIELDS = {
    Funder.EDUCATION: "education_share",
    Funder.HEALTH: "health_share",
    Funder.SOCIAL_CARE: "social_care_share",
}


class MoneyField(forms.CharField):
    """Pounds and pence, as a `Decimal` (`panel.rules.money.parse_money`)."""

    def __init__(self, *, label: str, required: bool = False, **kwargs):
        super().__init__(
            label=label,
            required=required,
            max_length=20,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
            **kwargs,
        )
        self.error_messages["required"] = f"Enter the {label[0].lower()}{label[1:]}"

    def clean(self, value):
        value = super().clean(value)  # the text, checked for length and presence
        if value in self.empty_values:
            return None
        try:
            return money.parse_money(value)
        except money.MoneyError as error:
            raise forms.ValidationError(str(error), code="invalid") from error


class ShareField(forms.CharField):
    """A percentage share, as a `Decimal` (`panel.rules.money.parse_percent`)."""

    def __init__(self, *, label: str, **kwargs):
        super().__init__(
            label=label,
            required=False,
            max_length=8,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}),
            **kwargs,
        )

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        try:
            return money.parse_percent(value)
        except money.MoneyError as error:
            raise forms.ValidationError(str(error), code="invalid") from error


def _share_fields(prefix: str) -> dict:
    return {SHARE_FIELDS[f]: ShareField(label=f"{prefix} {f.label.lower()} (%)") for f in FUNDERS}


class SharesMixin:
    def shares(self) -> dict[Funder, object]:
        return {f: self.cleaned_data.get(SHARE_FIELDS[f]) for f in FUNDERS}


class RequestDetailsForm(SharesMixin, GovForm):
    """What the request pays for, its evidence, and the proposed cost and shares."""

    summary = forms.CharField(
        label="What will the funding pay for?",
        widget=forms.Textarea(attrs=_TEXT),
        help_text="The provision or placement, as the panel should read it",
        error_messages={"required": "Describe the provision or placement the funding pays for"},
    )
    provider = forms.ChoiceField(label="Provider", required=False)
    provider_name = forms.CharField(
        label="Or another provider's name",
        required=False,
        max_length=200,
        help_text="A provider that is not one of the partner agencies listed",
    )
    plan_entries = forms.MultipleChoiceField(
        label="Which provision or placement in the plan does it pay for?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    advice = forms.MultipleChoiceField(
        label="Which advice is the evidence?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    evidence_notes = forms.CharField(
        label="Other evidence (optional)", required=False, widget=forms.Textarea(attrs=_TEXT)
    )
    options_tried = forms.CharField(
        label="What was tried or considered locally first?",
        required=False,
        widget=forms.Textarea(attrs=_TEXT),
    )
    proposed_cost = MoneyField(label="Proposed cost a year (£)")
    starts_on = date_field("Proposed start date", required=False)
    ends_on = date_field("Proposed end date (optional)", required=False)

    def __init__(self, *args, providers=(), entries=(), advice=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_share_fields("Proposed share for"))
        self.fields["provider"].choices = [("", "Choose a provider")] + [
            (str(a.public_id), a.name) for a in providers
        ]
        self.providers = {str(a.public_id): a for a in providers}
        self.fields["plan_entries"].choices = [
            (e["key"], f"{e['ref']}: {e['what']}") for e in entries
        ]
        self.fields["advice"].choices = [
            (a["key"], f"{a['ref']}: {a['title']}, {a['agency']}") for a in advice
        ]
        # A plan with no version issued through the service has nothing to link to.
        if not entries:
            del self.fields["plan_entries"]
        if not advice:
            del self.fields["advice"]

    def clean_provider(self):
        key = self.cleaned_data.get("provider")
        return self.providers.get(key) if key else None


class RaiseRequestForm(RequestDetailsForm):
    kind = forms.ChoiceField(
        label="What kind of funding is it?",
        choices=FundingKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of funding"},
    )
    panel = forms.ChoiceField(label="Which panel?")
    override_justification = forms.CharField(
        label="Without consent: why must the request go ahead? (SEN managers only)",
        required=False,
        widget=forms.Textarea(attrs=_TEXT),
        help_text=(
            "Only where the child's safety or welfare depends on it (Data Protection Act 2018, "
            "Schedule 1, paragraph 18). Leave empty when consent is recorded."
        ),
    )
    field_order = ["kind", "panel"]

    def __init__(self, *args, panels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["panel"].choices = [(str(p.public_id), p.name) for p in panels]
        self.panels = {str(p.public_id): p for p in panels}
        self.order_fields(self.field_order)

    def clean_panel(self):
        return self.panels.get(self.cleaned_data["panel"])


class UpdateRequestForm(RequestDetailsForm):
    # The version of the request the officer was shown (`panel.selectors.request_version`).
    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    information_provided = forms.CharField(
        label="The information the panel asked for",
        required=False,
        widget=forms.Textarea(attrs=_TEXT),
    )

    def __init__(self, *args, deferred=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not deferred:
            del self.fields["information_provided"]


class ReasonForm(GovForm):
    reason = forms.CharField(
        label="Why?", widget=forms.Textarea(attrs=_TEXT), error_messages={"required": "Enter why"}
    )

    def __init__(self, *args, label="Why?", required_message="Enter why", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = required_message


class MeetingForm(GovForm):
    meets_on = date_field("Date of the meeting")
    starts_at = forms.TimeField(
        label="Start time (optional)", required=False, help_text="For example, 09:30"
    )
    location = forms.CharField(label="Where (optional)", required=False, max_length=200)


class AgendaAddForm(GovForm):
    request = forms.ChoiceField(
        label="Which request?", error_messages={"required": "Choose a request to list"}
    )

    def __init__(self, *args, requests=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["request"].choices = [
            (str(r.public_id), f"{r.reference}: {r.child.full_name}, {r.get_kind_display()}")
            for r in requests
        ]
        self.requests = {str(r.public_id): r for r in requests}

    def clean_request(self):
        return self.requests.get(self.cleaned_data["request"])


class AttendanceForm(GovForm):
    member = forms.ChoiceField(label="Member", error_messages={"required": "Choose a member"})
    status = forms.ChoiceField(
        label="Attendance",
        choices=[
            (AttendanceStatus.PRESENT, "Present (arriving now)"),
            (AttendanceStatus.APOLOGIES, "Sent apologies"),
            ("LEFT", "Has left the meeting"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose present, apologies or left"},
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [
            (str(m.public_id), f"{m.name}, {m.get_role_display()}, {m.agency.name}")
            for m in members
        ]
        self.members = {str(m.public_id): m for m in members}

    def clean_member(self):
        return self.members.get(self.cleaned_data["member"])


class InterestForm(GovForm):
    interest = forms.CharField(
        label="What is your interest in this item?",
        widget=forms.Textarea(attrs=_TEXT),
        help_text="For example, a family connection, or a role at the provider",
        error_messages={"required": "Describe the interest you are declaring"},
    )


class DecisionForm(SharesMixin, GovForm):
    # The version of the item's decision the member was shown (`panel.selectors.decision_version`).
    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    outcome = forms.ChoiceField(
        label="What has the panel decided?",
        choices=[(o.value, OUTCOME_LABELS[o]) for o in Outcome],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the panel's decision"},
    )
    reasons = forms.CharField(
        label="Reasons",
        widget=forms.Textarea(attrs=_TEXT),
        error_messages={"required": "Give the reasons for the decision"},
    )
    changes = forms.CharField(
        label="What did the panel change? (approve with changes)",
        required=False,
        widget=forms.Textarea(attrs=_TEXT),
    )
    information_requested = forms.CharField(
        label="What information does the panel need? (defer)",
        required=False,
        widget=forms.Textarea(attrs=_TEXT),
    )
    agreed_cost = MoneyField(label="Agreed cost a year (£)")
    starts_on = date_field("Funding starts on (approve)", required=False)
    ends_on = date_field("Funding ends on (optional)", required=False)
    review_on = date_field("Funding reviewed by (approve)", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_share_fields("Share paid by"))
        self.order_fields(
            ["outcome", "reasons", "changes", "information_requested", "agreed_cost"]
            + list(SHARE_FIELDS.values())
            + ["starts_on", "ends_on", "review_on"]
        )


class FinancialYearForm(GovForm):
    year = forms.ChoiceField(label="Financial year", required=False)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y.label, y.label) for y in years]


class PaymentSetupForm(GovForm):
    """A funder records that the payment of its share is set up (the flow's payment task)."""

    set_up_on = date_field("Date the payment was set up")
    reference = forms.CharField(
        label="Your reference (optional)",
        required=False,
        max_length=100,
        help_text="The purchase order, contract or care package number",
    )


class FundingReviewForm(GovForm):
    """The council brings agreed funding back to the panel (the flow's review task)."""

    note = forms.CharField(
        label="What has changed since the panel agreed it? (optional)",
        required=False,
        widget=forms.Textarea(attrs=_TEXT),
        help_text=(
            "A review request is raised with the same provision, cost and shares: bring its "
            "evidence up to date, then send it to the panel."
        ),
    )


class PlanUpdateForm(GovForm):
    """How the plan follows an approval that changes the provision (the flow's task)."""

    how = forms.ChoiceField(
        label="How does the plan follow the decision?",
        choices=PlanUpdate.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the plan is updated"},
    )
    note = forms.CharField(
        label="Notes",
        required=False,
        widget=forms.Textarea(attrs=_TEXT),
        help_text="Which sections change, or where the plan already provides for it",
    )
