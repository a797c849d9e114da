"""Forms for the plan editor: shape only (required fields, numbers, dates, choices from this
plan). The business checks are in ehcp.plans.services and ehcp.plans.rules.plan_checks."""

from django import forms

from ehcp.assessments.models import AdviceRequest
from ehcp.children.models import Need
from ehcp.common.display import agency_label
from ehcp.common.forms import GovForm, date_field
from ehcp.plans.models import (
    FrequencyPeriod,
    NeedSection,
    PlanEntryStatus,
    PlanNeed,
    PlanOutcome,
    ProvisionSection,
    SendingMethod,
)
from ehcp.plans.rules import letters
from ehcp.plans.rules.letters import LetterSent
from ehcp.plans.selectors import episode_advice_requests

LIVE = (PlanEntryStatus.SUGGESTED, PlanEntryStatus.ACCEPTED)


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _EntryForm(GovForm):
    """Choices of needs, outcomes and advice come from this plan and its episode only (a
    review's: the advice the plan was made from)."""

    def __init__(self, *args, plan, episode, whereabouts: bool, **kwargs):
        """`whereabouts`: the viewer may see the protected child's school named (CaseAccess)."""
        super().__init__(*args, **kwargs)
        self.plan = plan
        if "advice" in self.fields:
            self.fields["advice"].queryset = (
                episode_advice_requests(episode)
                .filter(received_on__isnull=False)
                .select_related("agency")
            )
            self.fields["advice"].label_from_instance = lambda a: (
                f"{a.get_kind_display().split(' (')[0]} from "
                f"{agency_label(a.agency, whereabouts=whereabouts, child=episode.child)}"
            )
        if "needs" in self.fields:
            self.fields["needs"].queryset = (
                plan.needs.filter(status__in=LIVE) if plan else self.fields["needs"].queryset.none()
            )
            self.fields["needs"].label_from_instance = lambda n: (
                f"Section {n.section}: {_short(n.text)}"
            )
        if "outcomes" in self.fields:
            self.fields["outcomes"].queryset = (
                plan.outcomes.filter(status__in=LIVE)
                if plan
                else self.fields["outcomes"].queryset.none()
            )
            self.fields["outcomes"].label_from_instance = lambda o: _short(o.text)
        # A list with nothing to choose is not offered: the page could not draw it, so the
        # server does not accept it either (no advice received yet, no needs written yet).
        for name in ("advice", "needs", "outcomes"):
            if name in self.fields and not self.fields[name].queryset.exists():
                del self.fields[name]


def _links(model, label: str) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=model.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=label,
    )


class PlanDetailsForm(GovForm):
    views = forms.CharField(
        label="Section A: views, interests and aspirations",
        help_text="In the words of the child or young person and their family where possible.",
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
    )
    placement_type = forms.CharField(
        label="Section I: type of school or setting (final plan only)",
        help_text="Leave this empty until the draft has been issued: a draft plan names no school or type of setting. "
        "The school or setting itself is chosen when you issue the final plan.",
        max_length=200,
        required=False,
    )
    personal_budget = forms.CharField(
        label="Section J: personal budget",
        help_text="What it pays for, the amount, and how it is paid (for example, a direct payment). Leave empty if none was requested.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


class NeedForm(_EntryForm):
    section = forms.ChoiceField(
        choices=NeedSection.choices,
        widget=forms.RadioSelect,
        initial=NeedSection.B,
        error_messages={"required": "Select the section"},
    )
    text = forms.CharField(
        label="Need",
        help_text="Describe the need specifically: what the child finds hard and how it affects them.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the need"},
    )
    need_code = forms.ChoiceField(
        label="Type of need (SEN2)", choices=[("", "Not given")] + Need.choices, required=False
    )
    advice = _links(AdviceRequest, "Which advice is it from?")


class OutcomeForm(_EntryForm):
    text = forms.CharField(
        label="Outcome",
        help_text="Specific and measurable: what the child will be able to do.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the outcome"},
    )
    by_when = forms.CharField(
        label="By when",
        max_length=200,
        required=False,
        help_text="For example, by 31 July 2027, or by the end of Year 6",
    )
    needs = _links(PlanNeed, "Which needs does it relate to?")
    advice = _links(AdviceRequest, "Which advice is it from?")


class ProvisionForm(_EntryForm):
    section = forms.ChoiceField(
        choices=ProvisionSection.choices,
        widget=forms.RadioSelect,
        initial=ProvisionSection.F,
        error_messages={"required": "Select the section"},
    )
    what = forms.CharField(
        label="What is the provision?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what the provision is"},
    )
    who = forms.CharField(
        label="Who provides it?",
        max_length=200,
        required=False,
        help_text="A role or provider, with their qualification or training",
    )
    frequency_count = forms.IntegerField(
        label="How many times",
        min_value=1,
        max_value=1000,
        required=False,
        error_messages={
            "invalid": "Enter how many times as a number, like 3",
            "min_value": "How many times must be 1 or more",
        },
    )
    frequency_period = forms.ChoiceField(
        label="Each", choices=[("", "Choose a period")] + FrequencyPeriod.choices, required=False
    )
    session_minutes = forms.IntegerField(
        label="Minutes each time",
        min_value=1,
        max_value=24 * 60,
        required=False,
        error_messages={
            "invalid": "Enter the minutes as a number, like 30",
            "min_value": "Minutes must be 1 or more",
        },
    )
    starts_on = date_field("Start date", required=False)
    ends_on = date_field("End or review date", required=False)
    needs = _links(PlanNeed, "Which needs does it meet?")
    outcomes = _links(PlanOutcome, "Which outcomes does it serve?")
    advice = _links(AdviceRequest, "Which advice is it from?")


class HealthAgreementForm(GovForm):
    agreed_on = date_field("Date the health body agreed it")
    note = forms.CharField(
        label="Where is the agreement recorded?",
        help_text="Required when the council records it: for example, \u201cEmail from the ICB's designated clinical officer\u201d.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class ConfirmForm(GovForm):
    """A POST with nothing to fill in (remove an entry, suggest from the advice)."""


# -- how a letter was sent ---------------------------------------------------------------------

#: The choice that leaves the sending to be recorded later, on the case's documents page.
NOT_YET_SENT = "LATER"


def add_letter_sent_fields(form: forms.Form, *, what: str, later: bool = True) -> None:
    """Add "How was the <what> sent?" and "Date it was sent" to a step's form (after its own
    fields). `letter_sent(form, cleaned_data, decided_on)` reads them back."""
    choices = list(SendingMethod.choices)
    if later:
        choices.append((NOT_YET_SENT, "Not sent yet: record it later on the case's documents page"))
    form.fields["letter_sent_how"] = forms.ChoiceField(
        label=f"How was the {what} sent?",
        choices=choices,
        widget=forms.RadioSelect,
        required=False,
        help_text=(
            "By post, it is taken to be served on the second working day after posting. "
            "The mediation and appeal dates run from the day it was sent."
        ),
    )
    form.fields["letter_sent_on"] = date_field(
        f"Date the {what} was sent",
        required=False,
        help_text="Leave it empty if it was sent on the date above. For example, 27 3 2026",
    )


def letter_sent(form: forms.Form, data: dict, *, needed: bool, decided_on) -> LetterSent | None:
    """The sending recorded on a step's form, or None ("not sent yet"); adds the errors."""
    how = data.get("letter_sent_how")
    if not needed:
        return None
    if not how:
        form.add_error("letter_sent_how", "Select how the letter was sent")
        return None
    if how == NOT_YET_SENT:
        return None
    sent_on = data.get("letter_sent_on") or decided_on
    if sent_on is None:
        return None
    return LetterSent(sent_on, letters.SendingMethod(how))


class LetterSendingForm(GovForm):
    """Record how a letter was sent, after the decision (the documents page)."""

    method = forms.ChoiceField(
        label="How was the letter sent?",
        choices=SendingMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the letter was sent"},
        help_text="By post, it is taken to be served on the second working day after posting.",
    )
    sent_on = date_field("Date the letter was sent")
    reason = forms.CharField(
        label="Why are you correcting the earlier record?",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, correcting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not correcting:
            del self.fields["reason"]
        else:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = (
                "Enter why the earlier record is being corrected"
            )
