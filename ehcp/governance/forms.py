"""Forms for the information governance pages. They check shape only; the rules are in the services."""

import re
from datetime import datetime, time, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from agencies.models import Agency, AgencyKind
from ehcp.common.forms import GovForm, SettingField, date_field
from ehcp.governance.models import BreakGlassReason, IncidentKind, NotifyDecision
from ehcp.governance.services import BREAK_GLASS_MIN_JUSTIFICATION, NO_SUCH_CASE, case_by_reference

_TIME = re.compile(r"(\d{1,2})[:.](\d{2})")


def time_field(label: str, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=5,
        help_text="24-hour clock, for example 14:30",
        error_messages={"required": f"Enter the {label[0].lower()}{label[1:]}"},
    )


def _parse_time(value: str) -> time | None:
    match = _TIME.fullmatch((value or "").strip())
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 23 or minutes > 59:
        return None
    return time(hours, minutes)


def _instant(form, date_name: str, time_name: str):
    """A date and a time typed in UK local time, as an aware datetime (or None with an error)."""
    day, clock = form.cleaned_data.get(date_name), form.cleaned_data.get(time_name)
    if day is None or not clock:
        return None
    parsed = _parse_time(clock)
    if parsed is None:
        form.add_error(time_name, "Enter a time on the 24-hour clock, like 14:30")
        return None
    return timezone.make_aware(datetime.combine(day, parsed))


class DateRangeMixin:
    def clean(self):
        data = super().clean()
        start, end = data.get("from_date"), data.get("to_date")
        if start and end and start > end:
            self.add_error("to_date", "The end date must be the same as or after the start date")
        return data

    def period(self):
        """[start, end) as aware instants: from the start of the first day to the end of the last."""
        start = timezone.make_aware(datetime.combine(self.cleaned_data["from_date"], time.min))
        end = timezone.make_aware(
            datetime.combine(self.cleaned_data["to_date"] + timedelta(days=1), time.min)
        )
        return start, end


class ChildAccessReportForm(DateRangeMixin, GovForm):
    case_reference = forms.CharField(
        label="Case reference",
        max_length=20,
        help_text="For example, EHC000123. The report covers the child on that case.",
        error_messages={"required": "Enter the case reference", "max_length": NO_SUCH_CASE},
    )
    from_date = date_field("Start date")
    to_date = date_field("End date")

    def clean_case_reference(self):
        case = case_by_reference(self.cleaned_data["case_reference"])
        if case is None:
            raise forms.ValidationError(NO_SUCH_CASE)
        self.case = case
        return case.reference


class PersonAccessReportForm(DateRangeMixin, GovForm):
    person = forms.ModelChoiceField(
        queryset=None, label="Person", error_messages={"required": "Select the person"}
    )
    from_date = date_field("Start date")
    to_date = date_field("End date")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = get_user_model().objects.order_by(
            "last_name", "first_name", "username"
        )
        self.fields["person"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username} ({u.username})"
        )


class BreakGlassReviewForm(GovForm):
    outcome = forms.ChoiceField(
        label="Was the access appropriate?",
        choices=[
            ("APPROPRIATE", "Yes, the access was appropriate"),
            ("INAPPROPRIATE", "No, the access was not appropriate"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the access was appropriate"},
    )
    notes = forms.CharField(
        label="Notes",
        help_text="Required when the access was not appropriate: what was wrong and what happens next.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


class BreakGlassRequestForm(GovForm):
    """Who the child is, by more than the case reference (AC-07): the reference, the child's
    date of birth, and their last name or NHS number. All must match, or nothing is granted."""

    case_reference = forms.CharField(
        label="Case reference",
        max_length=20,
        help_text="For example, EHC000123",
        error_messages={
            "required": "Enter the case reference",
            "max_length": "Enter the case reference as it is shown, for example EHC000123",
        },
    )
    date_of_birth = date_field("Child's date of birth", help_text="For example, 14 5 2018")
    child_identifier = forms.CharField(
        label="Child's last name or NHS number",
        max_length=100,
        help_text="Enter either one. The NHS number has 10 digits.",
        error_messages={"required": "Enter the child's last name or NHS number"},
    )
    reason = forms.ChoiceField(
        label="Why do you need access now?",
        choices=BreakGlassReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why you need access"},
    )
    justification = forms.CharField(
        label="Explain why you need access to this case",
        help_text=(
            f"At least {BREAK_GLASS_MIN_JUSTIFICATION} characters. Your access is recorded and reviewed by the "
            "information governance lead."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Explain why you need access"},
    )

    def clean_justification(self):
        value = self.cleaned_data["justification"].strip()
        if len(value) < BREAK_GLASS_MIN_JUSTIFICATION:
            raise forms.ValidationError(
                f"Explain why you need access now (at least {BREAK_GLASS_MIN_JUSTIFICATION} characters)"
            )
        return value


def _references(text: str) -> list[str]:
    return [part for part in re.split(r"[\s,;]+", text or "") if part]


class IncidentForm(GovForm):
    kind = forms.ChoiceField(
        label="What kind of incident is it?",
        choices=IncidentKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of incident"},
    )
    description = forms.CharField(
        label="What happened?",
        help_text="Do not include health or other sensitive details about a child.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Describe what happened"},
    )
    aware_on = date_field("Date the council became aware")
    aware_time = time_field("Time the council became aware")
    case_references = forms.CharField(
        label="Children affected (case references)",
        help_text="Separate references with commas or spaces, for example EHC000123, EHC000456",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    partners_to_notify = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Partner agencies to tell",
        required=False,
    )
    # England has about 24,000 schools: they are typed, one a line, not ticked (issue 12).
    schools_to_notify = SettingField(
        multiple=True, label="Schools or settings to tell", required=False
    )
    actions = forms.CharField(
        label="Actions taken so far", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners_to_notify"].queryset = (
            Agency.objects.filter(is_active=True)
            .exclude(kind=AgencyKind.SCHOOL)
            .order_by("kind", "name")
        )

    def clean(self):
        data = super().clean()
        data["aware_at"] = _instant(self, "aware_on", "aware_time")
        children = []
        for reference in _references(data.get("case_references", "")):
            case = case_by_reference(reference)
            if case is None:
                self.add_error("case_references", f"{NO_SUCH_CASE}: {reference}")
            else:
                children.append(case.child)
        data["affected_children"] = list({child.pk: child for child in children}.values())
        # The service is told one list of agencies: those ticked, then the schools typed.
        data["agencies_to_notify"] = [
            *data.get("partners_to_notify", ()),
            *data.get("schools_to_notify", ()),
        ]
        return data


class IncidentDecisionForm(GovForm):
    decision = forms.ChoiceField(
        label="Will the breach be reported to the ICO?",
        choices=NotifyDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the breach will be reported to the ICO"},
    )
    reasons = forms.CharField(
        label="Reasons for the decision",
        help_text="Required if it will not be reported, and if the ICO was told more than 72 hours after the council became aware.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    notified_on = date_field("Date the ICO was told (if it has been)", required=False)
    notified_time = time_field("Time the ICO was told", required=False)
    actions = forms.CharField(
        label="Actions taken", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("notified_on") and not data.get("notified_time"):
            self.add_error("notified_time", "Enter the time the ICO was told")
        data["notified_ico_at"] = _instant(self, "notified_on", "notified_time")
        return data
