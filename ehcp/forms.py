"""Forms check shape (required fields, dates, choices); business rules live in ehcp.rules and
ehcp.services. Error messages follow GOV.UK style."""

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from django import forms

from agencies.models import Agency, AgencyKind

from .models import (
    ADVICE_AGENCY_KIND,
    AdviceKind,
    ConsentGiver,
    ConsentMethod,
    ConsultationResponse,
    Need,
    Requester,
)
from .rules import consent as consent_rules
from .rules import deadlines, identifiers


class GovForm(forms.Form):
    """A form rendered with GOV.UK Design System markup; the template provides <form> and button."""

    @property
    def helper(self) -> FormHelper:
        """Built when the template renders the form, so that fields a subclass adds in its
        ``__init__`` are in the layout too (a field the page does not draw is a field nobody can
        fill in)."""
        helper = FormHelper(self)
        helper.form_tag = False
        helper.label_size = "s"
        helper.legend_size = "s"
        return helper


def date_field(label: str, *, required: bool = True, help_text: str = "") -> DateInputField:
    field = DateInputField(label=label, required=required, help_text=help_text or "For example, 27 3 2026")
    field.error_messages["required"] = f"Enter the {label[0].lower()}{label[1:]}"
    field.error_messages["incomplete"] = f"{label} must include a day, month and year"
    return field


def agencies_of(kind: str):
    return Agency.objects.filter(kind=kind, is_active=True).order_by("name")


class RequestForm(GovForm):
    first_name = forms.CharField(max_length=100, error_messages={"required": "Enter the first name"})
    last_name = forms.CharField(max_length=100, error_messages={"required": "Enter the last name"})
    date_of_birth = date_field("Date of birth")
    upn = forms.CharField(
        label="Unique pupil number (UPN)", max_length=20, required=False, help_text="For example, A123456789012"
    )
    nhs_number = forms.CharField(
        label="NHS number", max_length=20, required=False, help_text="For example, 943 476 5919"
    )
    address = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    postcode = forms.CharField(max_length=12, required=False)
    protected_whereabouts = forms.BooleanField(
        label="Whereabouts must be protected (for example, a court order or a refuge)", required=False
    )
    current_setting = forms.ModelChoiceField(
        queryset=Agency.objects.none(), required=False, label="Current school or setting"
    )
    primary_need = forms.ChoiceField(choices=[("", "Not yet known")] + Need.choices, required=False)
    secondary_need = forms.ChoiceField(choices=[("", "None")] + Need.choices, required=False)
    parent_name = forms.CharField(label="Parent or carer's full name", max_length=200, required=False)
    parent_relationship = forms.CharField(
        label="Relationship to the child", max_length=60, required=False, help_text="For example, mother, father, foster carer"
    )
    parent_email = forms.EmailField(
        label="Parent or carer's email address",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    parent_phone = forms.CharField(label="Parent or carer's phone number", max_length=40, required=False)
    requested_by = forms.ChoiceField(
        label="Who made the request?",
        choices=Requester.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who made the request"},
    )
    requester_name = forms.CharField(label="Name of the person or organisation", max_length=200, required=False)
    received_on = date_field(
        "Date the request was received",
        help_text="The clock starts on the day the council received it, in any format. For example, 27 3 2026",
    )
    reasons = forms.CharField(
        label="Reasons for the request",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the reasons for the request"},
    )
    caseworker = forms.ModelChoiceField(queryset=None, required=False, label="Caseworker")

    def __init__(self, *args, caseworkers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["current_setting"].queryset = agencies_of(AgencyKind.SCHOOL)
        self.fields["caseworker"].queryset = caseworkers
        self.fields["caseworker"].label_from_instance = lambda u: u.get_full_name() or u.username

    def _identifier(self, name: str, normalise) -> str:
        try:
            return normalise(self.cleaned_data.get(name, ""))
        except identifiers.IdentifierError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_upn(self) -> str:
        return self._identifier("upn", identifiers.normalise_upn)

    def clean_nhs_number(self) -> str:
        return self._identifier("nhs_number", identifiers.normalise_nhs_number)

    def clean_postcode(self) -> str:
        return self._identifier("postcode", identifiers.normalise_postcode)

    def clean(self):
        data = super().clean()
        if (data.get("parent_email") or data.get("parent_phone") or data.get("parent_relationship")) and not data.get(
            "parent_name"
        ):
            self.add_error("parent_name", "Enter the parent or carer's full name")
        if data.get("parent_name") and not data.get("parent_relationship"):
            self.add_error("parent_relationship", "Enter the parent or carer's relationship to the child")
        return data


class ConsentForm(GovForm):
    purpose = forms.ChoiceField(
        choices=[(p.value, p.label) for p in consent_rules.Purpose],
        widget=forms.RadioSelect,
        initial=consent_rules.Purpose.STATUTORY_ASSESSMENT.value,
        error_messages={"required": "Select what the consent is for"},
    )
    agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Agencies the consent covers",
        error_messages={"required": "Select the agencies the consent covers"},
    )
    given_by = forms.ChoiceField(
        label="Who gave consent?",
        choices=ConsentGiver.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who gave consent"},
    )
    given_by_name = forms.CharField(
        label="Name of the person who gave consent", error_messages={"required": "Enter the name of the person who gave consent"}
    )
    given_on = date_field("Date consent was given")
    method = forms.ChoiceField(
        label="How was consent given?",
        choices=ConsentMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how consent was given"},
    )
    notes = forms.CharField(
        label="Notes (capacity or competence, and anything else relevant)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = Agency.objects.filter(is_active=True).order_by("kind", "name")


class ConsentWithdrawForm(GovForm):
    withdrawn_on = date_field("Date consent was withdrawn")
    reason = forms.CharField(
        label="How was it withdrawn, and what did the family say?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter how consent was withdrawn"},
    )


class ConsentOverrideForm(GovForm):
    justification = forms.CharField(
        label="Why must advice be requested without consent?",
        help_text="For example, a safeguarding concern. This is recorded on the case and shown to everyone who works on it.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter why the step must go ahead without consent"},
    )
    legal_condition = forms.CharField(
        label="Legal condition relied on",
        initial="DPA 2018 Sch 1 para 18 (safeguarding of children and individuals at risk)",
        max_length=120,
    )


class ExceptionForm(GovForm):
    period_code = forms.ChoiceField(
        label="Which time limit?",
        choices=[(p.code, p.name[0].upper() + p.name[1:]) for p in deadlines.ALL_PERIODS if p.exception_limbs],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the time limit"},
    )
    advice_request = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Which advice? (only for the advice time limit)",
        empty_label="Not about advice",
    )
    limb = forms.ChoiceField(
        label="Which exception applies?",
        choices=[(code, f"Reg {code}: {text}") for code, text in sorted(deadlines.EXCEPTION_LIMBS.items())],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the exception"},
    )
    starts_on = date_field("Date the circumstances began")
    ends_on = date_field("Date they ended (if they have)", required=False)
    evidence = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Enter the evidence"})
    reasoning = forms.CharField(
        label="Why did this make the time limit impractical to meet?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Explain why the time limit was impractical to meet"},
    )
    family_told_on = date_field("Date the family was told", required=False)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advice_request"].queryset = case.advice_requests.select_related("agency")


class CalculatorForm(GovForm):
    received_on = date_field("Date the request was received")
    advice_requested_on = date_field("Date advice was requested (optional)", required=False)
    draft_issued_on = date_field("Date the draft plan was issued (optional)", required=False)


# -- workflow steps -----------------------------------------------------------------------


class DecideToAssessForm(GovForm):
    decision = forms.TypedChoiceField(
        label="Will the council carry out an EHC needs assessment?",
        choices=[("yes", "Yes, assess"), ("no", "No, refuse to assess")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the council will assess"},
    )
    decided_on = date_field("Date of the decision")
    reasons = forms.CharField(
        label="Reasons for refusing (for the decision letter)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    ask_parent_views = forms.BooleanField(
        label="Ask the parent or young person for their views (reg 6(1)(a))", required=False, initial=True
    )

    ADVICE_FIELDS = (
        (AdviceKind.EDUCATIONAL, "advice_educational"),
        (AdviceKind.HEALTH, "advice_health"),
        (AdviceKind.PSYCHOLOGICAL, "advice_psychological"),
        (AdviceKind.SOCIAL_CARE, "advice_social_care"),
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, name in self.ADVICE_FIELDS:
            self.fields[name] = forms.ModelChoiceField(
                queryset=agencies_of(ADVICE_AGENCY_KIND[kind]),
                required=False,
                label=f"{kind.label}: ask",
                empty_label="Do not ask",
            )
        if case is not None and case.child.current_setting_id:
            self.fields["advice_educational"].initial = case.child.current_setting_id

    def clean(self):
        data = super().clean()
        if data.get("decision") is False and not (data.get("reasons") or "").strip():
            self.add_error("reasons", "Enter the reasons for refusing to assess")
        asks = data.get("ask_parent_views") or any(data.get(name) for _, name in self.ADVICE_FIELDS)
        if data.get("decision") is True and not asks:
            raise forms.ValidationError("Choose at least one agency to ask for advice")
        return data

    def advice_wanted(self, *, council):
        from .services import AdviceToSeek

        wanted = [
            AdviceToSeek(kind=kind, agency=self.cleaned_data[name])
            for kind, name in self.ADVICE_FIELDS
            if self.cleaned_data.get(name)
        ]
        if self.cleaned_data.get("ask_parent_views"):
            wanted.insert(0, AdviceToSeek(kind=AdviceKind.PARENT_VIEWS, agency=council))
        return wanted


class DecideToIssueForm(GovForm):
    decision = forms.TypedChoiceField(
        label="Will the council issue an EHC plan?",
        choices=[("yes", "Yes, issue a plan"), ("no", "No, do not issue a plan")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the council will issue a plan"},
    )
    decided_on = date_field("Date of the decision")
    reasons = forms.CharField(
        label="Reasons for not issuing (for the decision letter)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") is False and not (data.get("reasons") or "").strip():
            self.add_error("reasons", "Enter the reasons for not issuing a plan")
        return data


class IssueDraftForm(GovForm):
    issued_on = date_field("Date the draft plan was sent", help_text="The family's 15 days begin on this day.")


class CommentsForm(GovForm):
    responded = forms.TypedChoiceField(
        label="Has the family commented on the draft?",
        choices=[("yes", "Yes"), ("no", "No, and the 15 days have ended")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the family has commented"},
    )
    received_on = date_field("Date the comments were received", required=False)
    summary = forms.CharField(label="Summary of the comments", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    setting = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label="School or setting to consult",
        error_messages={"required": "Select the school or setting to consult"},
    )
    requested_by_family = forms.BooleanField(label="The family asked for this setting", required=False)
    meeting_requested = forms.BooleanField(label="The family asked for a meeting", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["setting"].queryset = agencies_of(AgencyKind.SCHOOL)

    def clean(self):
        data = super().clean()
        if data.get("responded") and not data.get("received_on"):
            self.add_error("received_on", "Enter the date the comments were received")
        return data


class ConsultationReplyForm(GovForm):
    response = forms.ChoiceField(
        label="Can the setting meet the child's needs?",
        choices=ConsultationResponse.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the setting's answer"},
    )
    replied_on = date_field("Date of the reply")
    notes = forms.CharField(label="Reasons and comments", widget=forms.Textarea(attrs={"rows": 4}), required=False)


class IssueFinalForm(GovForm):
    issued_on = date_field("Date the final plan was issued")
    named_setting = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label="School or setting named in section I",
        error_messages={"required": "Select the setting to name"},
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            self.fields["named_setting"].queryset = Agency.objects.filter(consultations__case=case).distinct()

