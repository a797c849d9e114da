"""Forms check shape (required fields, dates, choices); business rules live in the rooms'
rules and services. Error messages follow GOV.UK style."""

from datetime import date

from django import forms
from django.db import models
from django.utils import timezone

from agencies.models import Agency, AgencyKind
from ehcp.assessments.models import (
    ADVICE_AGENCY_KIND,
    REASSESSMENT_REQUESTERS,
    AdviceKind,
    AdviceRequest,
    ConsultationResponse,
    NoticeMethod,
    Requester,
    Withdrawer,
)
from ehcp.assessments.rules import advice as advice_rules
from ehcp.assessments.rules import deadlines
from ehcp.assessments.rules import notices as notice_rules
from ehcp.assessments.services.assessment import AdviceToSeek
from ehcp.assessments.services.notices import NoticeTo
from ehcp.children.models import ConsentGiver, ConsentMethod, Need
from ehcp.children.rules import consent as consent_rules
from ehcp.children.rules import identifiers
from ehcp.children.rules import young_person as young_person_rules
from ehcp.common.display import agency_label
from ehcp.common.forms import GovForm, SettingField, date_field
from ehcp.plans.forms import add_letter_sent_fields, letter_sent

CHILDS_SETTING_WITHHELD = "The child's school or setting (name withheld: protected whereabouts)"


YOUNG_PERSON_HINT = (
    "A young person is over compulsory school age: from the day after the last Friday in June "
    "of the school year in which they turn 16."
)


def agencies_of(kind: str):
    return Agency.objects.filter(kind=kind, is_active=True).order_by("name")


class RequestForm(GovForm):
    first_name = forms.CharField(
        max_length=100, error_messages={"required": "Enter the first name"}
    )
    last_name = forms.CharField(max_length=100, error_messages={"required": "Enter the last name"})
    date_of_birth = date_field("Date of birth")
    upn = forms.CharField(
        label="Unique pupil number (UPN)",
        max_length=20,
        required=False,
        help_text="For example, A123456789012",
    )
    nhs_number = forms.CharField(
        label="NHS number", max_length=20, required=False, help_text="For example, 943 476 5919"
    )
    address = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    postcode = forms.CharField(max_length=12, required=False)
    protected_whereabouts = forms.BooleanField(
        label="Whereabouts must be protected (for example, a court order or a refuge)",
        required=False,
    )
    current_setting = SettingField(required=False, label="Current school or setting")
    primary_need = forms.ChoiceField(choices=[("", "Not yet known")] + Need.choices, required=False)
    secondary_need = forms.ChoiceField(choices=[("", "None")] + Need.choices, required=False)
    parent_name = forms.CharField(
        label="Parent or carer's full name", max_length=200, required=False
    )
    parent_relationship = forms.CharField(
        label="Relationship to the child",
        max_length=60,
        required=False,
        help_text="For example, mother, father, foster carer",
    )
    parent_email = forms.EmailField(
        label="Parent or carer's email address",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )
    parent_phone = forms.CharField(
        label="Parent or carer's phone number", max_length=40, required=False
    )
    requested_by = forms.ChoiceField(
        label="Who made the request?",
        choices=Requester.choices,
        widget=forms.RadioSelect,
        help_text=YOUNG_PERSON_HINT,
        error_messages={"required": "Select who made the request"},
    )
    requester_name = forms.CharField(
        label="Name of the person or organisation", max_length=200, required=False
    )
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
        # A health commissioning body asks only for a re-assessment (reg 24(1)).
        self.fields["requested_by"].choices = [
            choice for choice in Requester.choices if choice[0] != Requester.HEALTH_BODY
        ]
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
        if (
            data.get("parent_email") or data.get("parent_phone") or data.get("parent_relationship")
        ) and not data.get("parent_name"):
            self.add_error("parent_name", "Enter the parent or carer's full name")
        if data.get("parent_name") and not data.get("parent_relationship"):
            self.add_error(
                "parent_relationship", "Enter the parent or carer's relationship to the child"
            )
        # Who may ask turns on the day the request was received (CFA 2014 ss.36(1) and 83(2)).
        # The child is new here, so no lack of capacity is recorded for them yet.
        if data.get("requested_by") and data.get("date_of_birth") and data.get("received_on"):
            refusal = young_person_rules.requester_refusal(
                requested_by=data["requested_by"],
                date_of_birth=data["date_of_birth"],
                received_on=data["received_on"],
                first_name=data.get("first_name") or "The child",
            )
            if refusal:
                self.add_error("requested_by", refusal)
        return data


class ChildRequestForm(GovForm):
    """A new request for a child or young person already known: a re-assessment where their plan
    is in force (who may ask: SEND Regulations 2014, reg 24(1))."""

    requested_by = forms.ChoiceField(
        label="Who made the request?",
        choices=Requester.choices,
        widget=forms.RadioSelect,
        help_text=YOUNG_PERSON_HINT,
        error_messages={"required": "Select who made the request"},
    )
    requester_name = forms.CharField(
        label="Name of the person or organisation", max_length=200, required=False
    )
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

    def __init__(self, *args, caseworkers=None, reassessment: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if reassessment:
            self.fields["requested_by"].choices = [
                (value, Requester(value).label.replace(" (a re-assessment only)", ""))
                for value in REASSESSMENT_REQUESTERS
            ]
        else:
            self.fields["requested_by"].choices = [
                choice for choice in Requester.choices if choice[0] != Requester.HEALTH_BODY
            ]
        self.fields["caseworker"].queryset = caseworkers
        self.fields["caseworker"].label_from_instance = lambda u: u.get_full_name() or u.username


class ConsentForm(GovForm):
    purpose = forms.ChoiceField(
        choices=[(p.value, p.label) for p in consent_rules.Purpose],
        widget=forms.RadioSelect,
        initial=consent_rules.Purpose.STATUTORY_ASSESSMENT.value,
        error_messages={"required": "Select what the consent is for"},
    )
    agencies = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        label="Agencies the consent covers",
        help_text=(
            "The child's school and the council first, then the others by kind. Other schools "
            "and settings are typed below."
        ),
        required=False,
        error_messages={
            "invalid_choice": "Select the agencies the consent covers from the list",
        },
    )
    other_settings = SettingField(
        multiple=True,
        label="Other schools or settings the consent covers",
        required=False,
    )
    given_by = forms.ChoiceField(
        label="Who gave consent?",
        choices=ConsentGiver.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who gave consent"},
    )
    given_by_name = forms.CharField(
        label="Name of the person who gave consent",
        error_messages={"required": "Enter the name of the person who gave consent"},
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

    # The choice that stands for the child's school when its name may not be shown.
    CHILDS_SETTING = "childs-setting"

    def __init__(self, *args, case, whereabouts: bool, **kwargs):
        """Agencies in the order a caseworker looks for them: the child's own school and the
        council first, then the others grouped by kind. Schools are not listed (about 24,000):
        only the child's own and those asked for advice are; others are typed in
        `other_settings`. Without `whereabouts` (CaseAccess) the child's school is offered as
        "The child's school or setting" under a value that is not its id, and no other school is
        listed by name, so the list gives nothing away (DM-02)."""
        super().__init__(*args, **kwargs)
        child = case.child
        # Who may consent turns on the day it was given (ehcp.children.rules.young_person).
        self.fields["given_by"].help_text = (
            f"{child.first_name} is a young person from {child.young_person_from:%-d %B %Y} (the "
            "day after the last Friday in June of the school year they turn 16). From then they "
            "give consent themselves, unless a lack of capacity is recorded for them on the case; "
            "before then, a parent or carer does."
        )
        setting = case.child.current_setting if case.child.current_setting_id else None
        self.setting = setting if setting is not None and setting.is_active else None
        self.hide_setting = self.setting is not None and not whereabouts
        asked = case.advice_requests.values_list("agency_id", flat=True)
        schools = models.Q(pk__in=asked) | models.Q(pk=self.setting.pk if self.setting else None)
        if self.hide_setting:
            schools = models.Q(pk=self.setting.pk)
        self.agencies = {
            a.pk: a
            for a in Agency.objects.filter(is_active=True).filter(
                ~models.Q(kind=AgencyKind.SCHOOL) | schools
            )
        }
        kinds = list(AgencyKind.values)

        def order(agency):
            if self.setting and agency.pk == self.setting.pk:
                first = 0
            else:
                first = 1 if agency.pk == case.council_id else 2
            kind = kinds.index(agency.kind) if agency.kind in kinds else len(kinds)
            return (first, kind, agency.name)

        rows = []  # (order, value, label)
        for agency in self.agencies.values():
            label = agency.name
            if self.setting and agency.pk == self.setting.pk:
                if self.hide_setting:
                    rows.append((order(agency), self.CHILDS_SETTING, CHILDS_SETTING_WITHHELD))
                    continue
                label = f"{agency.name} (the child's school or setting)"
            elif agency.pk == case.council_id:
                label = f"{agency.name} (the council)"
            rows.append((order(agency), str(agency.pk), label))
        choices = [(value, label) for _, value, label in sorted(rows)]
        self.fields["agencies"].choices = choices
        self.initial.setdefault("agencies", self.default_agencies(case))

    def default_agencies(self, case) -> list[str]:
        """Ticked to start with: the child's school, the council and every agency asked for
        advice."""
        ticked = []
        if self.setting:
            ticked = [self.CHILDS_SETTING if self.hide_setting else str(self.setting.pk)]
        asked = [str(pk) for pk in case.advice_requests.values_list("agency_id", flat=True)]
        asked = [pk for pk in asked if int(pk) in self.agencies]
        if self.hide_setting:
            asked = [pk for pk in asked if pk != str(self.setting.pk)]
        return list(dict.fromkeys(ticked + [str(case.council_id)] + asked))

    def clean_agencies(self):
        chosen = []
        for value in self.cleaned_data["agencies"]:
            agency = self.setting if value == self.CHILDS_SETTING else self.agencies.get(_pk(value))
            if agency is not None and agency not in chosen:
                chosen.append(agency)
        return chosen

    def clean(self):
        """The agencies ticked and the schools typed, as one list (`agencies`)."""
        data = super().clean()
        others = data.pop("other_settings", None) or []
        if "agencies" in data and "other_settings" not in self.errors:
            data["agencies"] += [a for a in others if a not in data["agencies"]]
            if not data["agencies"]:
                self.add_error("agencies", "Select the agencies the consent covers")
        return data


def _pk(value: str) -> int | None:
    return int(value) if str(value).isdigit() else None


class ConsentWithdrawForm(GovForm):
    withdrawn_on = date_field("Date consent was withdrawn")
    reason = forms.CharField(
        label="How was it withdrawn, and what did the family say?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter how consent was withdrawn"},
    )


class WithdrawalForm(GovForm):
    """The parent or young person withdrew the request (the party: see `withdrawal_refusal`)."""

    withdrawn_by_whom = forms.ChoiceField(
        label="Who withdrew the request?",
        choices=Withdrawer.choices,
        widget=forms.RadioSelect,
        help_text=YOUNG_PERSON_HINT + " A young person's request is theirs to withdraw; their "
        "parent or carer can withdraw it only if a lack of capacity is recorded.",
        error_messages={"required": "Select who withdrew the request"},
    )
    withdrawn_on = date_field(
        "Date the request was withdrawn",
        help_text="The day the council was told, in any format. For example, 27 3 2026",
    )
    reasons = forms.CharField(
        label="Why was the request withdrawn, and how did they tell the council?",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the reasons the request was withdrawn"},
    )


class YoungPersonRecordForm(GovForm):
    kind = forms.ChoiceField(
        label="What are you recording?",
        choices=[(k.value, k.label) for k in young_person_rules.RecordKind],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you are recording"},
    )
    from_on = date_field(
        "Date of the capacity assessment, or of the young person's agreement",
    )
    reason = forms.CharField(
        label="Who assessed capacity, for which decisions and how; or how the young person told you",
        help_text="Capacity is presumed from 16 (Mental Capacity Act 2005, s.1). A lack of it is "
        "about particular decisions at a particular time, found under s.2 and s.3.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Enter who assessed capacity, or how the young person told you"
        },
    )


class YoungPersonRecordEndForm(GovForm):
    ended_on = date_field("Date it ended")
    reason = forms.CharField(
        label="Why has it ended, and who decided?",
        help_text="For example, a new capacity assessment, or the young person told us they no "
        "longer want their parent to be sent the letters.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why it has ended, and who decided"},
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
        choices=[
            (p.code, p.name[0].upper() + p.name[1:])
            for p in deadlines.ALL_PERIODS
            if p.exception_limbs
        ],
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
        choices=[
            (code, f"Reg {code}: {text}")
            for code, text in sorted(deadlines.EXCEPTION_LIMBS.items())
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the exception"},
    )
    starts_on = date_field("Date the circumstances began")
    ends_on = date_field(
        "Date they ended",
        required=False,
        help_text="Or, if they are still going on, say so below. For example, 27 3 2026",
    )
    ongoing = forms.BooleanField(
        label="They are still going on (you can record the date they end later)", required=False
    )
    ongoing_evidence = forms.CharField(
        label="Evidence that they are still going on",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    evidence = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Enter the evidence"}
    )
    reasoning = forms.CharField(
        label="Why did this make the time limit impractical to meet?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Explain why the time limit was impractical to meet"},
    )
    family_told_on = date_field("Date the family was told")

    def __init__(self, *args, case, whereabouts: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period_code"].choices = [
            (p.code, p.name[0].upper() + p.name[1:]) for p in case.exception_periods
        ]
        self.fields["advice_request"].queryset = case.advice_requests.select_related("agency")
        self.fields["advice_request"].label_from_instance = lambda a: (
            f"{a.get_kind_display()} from "
            f"{agency_label(a.agency, whereabouts=whereabouts, child=case.child)}"
        )

    def clean(self):
        return _clean_end_or_ongoing(self, super().clean())


def _clean_end_or_ongoing(form, data):
    """The circumstances' end date, or "still going on" with its evidence: one, not both (the
    service checks the rest, with the rules)."""
    if data.get("ongoing"):
        if data.get("ends_on"):
            form.add_error(
                "ends_on",
                "Enter the date the circumstances ended or say they are still going on, not both",
            )
        if not (data.get("ongoing_evidence") or "").strip():
            form.add_error(
                "ongoing_evidence", "Enter the evidence that the circumstances are still going on"
            )
    return data


class ExceptionUpdateForm(GovForm):
    """Complete an exception: its end date (or still going on, with evidence), and the date the
    family was told if it is missing. Only what is missing is asked for."""

    ends_on = ExceptionForm.base_fields["ends_on"]
    ongoing = ExceptionForm.base_fields["ongoing"]
    ongoing_evidence = ExceptionForm.base_fields["ongoing_evidence"]
    family_told_on = date_field("Date the family was told")

    def __init__(self, *args, exception, **kwargs):
        super().__init__(*args, **kwargs)
        if exception.ends_on is not None:
            for name in ("ends_on", "ongoing", "ongoing_evidence"):
                del self.fields[name]
        elif exception.ongoing:
            self.fields["ongoing"].label = "They are still going on: update the evidence"
            self.initial.setdefault("ongoing_evidence", exception.ongoing_evidence)
        if exception.family_told_on is not None:
            del self.fields["family_told_on"]

    def clean(self):
        return _clean_end_or_ongoing(self, super().clean())


class CalculatorForm(GovForm):
    received_on = date_field("Date the request was received")
    advice_requested_on = date_field("Date advice was requested (optional)", required=False)
    draft_issued_on = date_field("Date the draft plan was issued (optional)", required=False)


class CaseloadFilterForm(forms.Form):
    """The caseload's filters, from the query string. A value that is not one of the choices
    (a stale link, an edited URL, a number too big for the database) is shown as an error and
    that filter is not applied; the others still are.

    The agency list offers the partner agencies other than schools (a few dozen); a school (one
    of thousands) is typed, by its name or URN, in its own box. A school typed that matches none,
    or several, is an error in the same way."""

    status = forms.ChoiceField(
        required=False, error_messages={"invalid_choice": "Select a stage from the list"}
    )
    agency = forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Select an agency from the list"},
    )
    caseworker = forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Select a caseworker from the list"},
    )
    school = SettingField(
        label="School or setting involved",
        required=False,
        # Every school, closed ones too: an open case may still involve one (the agency list
        # offers every partner agency in the same way).
        queryset=Agency.objects.filter(kind=AgencyKind.SCHOOL),
    )
    overdue = forms.BooleanField(required=False)

    def __init__(self, data, *, statuses, agencies, caseworkers):
        """``agencies`` and ``caseworkers`` are the lists the page offers: a value is checked
        against them without another query. A school typed costs a query or two to find, and
        nothing when the box is empty."""
        super().__init__(data, auto_id="f-%s")
        self.fields["status"].choices = [("", "All open stages"), *statuses]
        self.fields["agency"].choices = [
            ("", "Any agency"),
            *((str(a.pk), a.name) for a in agencies),
        ]
        self.fields["caseworker"].choices = [
            ("", "Anyone"),
            *((str(u.pk), u.get_full_name() or u.username) for u in caseworkers),
        ]

    def valid_filters(self) -> dict:
        """The filters that passed, with the defaults for the rest."""
        self.is_valid()
        data = {"status": "", "agency": None, "caseworker": None, "school": None, "overdue": False}
        data.update({name: value for name, value in self.cleaned_data.items() if value is not None})
        return data


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
        label="Ask the parent or young person for their views (reg 6(1)(a))",
        required=False,
        initial=True,
    )

    ADVICE_FIELDS = (
        (AdviceKind.EDUCATIONAL, "advice_educational"),
        (AdviceKind.HEALTH, "advice_health"),
        (AdviceKind.PSYCHOLOGICAL, "advice_psychological"),
        (AdviceKind.SOCIAL_CARE, "advice_social_care"),
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        add_letter_sent_fields(self, what="refusal letter")
        for kind, name in self.ADVICE_FIELDS:
            if kind == AdviceKind.EDUCATIONAL:  # a school: one of about 24,000, typed
                self.fields[name] = SettingField(
                    required=False,
                    label=f"{kind.label}: ask",
                    help_text="Leave it empty to ask no school or setting",
                )
                continue
            self.fields[name] = forms.ModelChoiceField(
                queryset=agencies_of(ADVICE_AGENCY_KIND[kind]),
                required=False,
                label=f"{kind.label}: ask",
                empty_label="Do not ask",
            )
        if case is not None and case.is_reassessment:
            self._reassessment(case)
        if case is not None and case.child.current_setting_id:
            self.fields["advice_educational"].initial = case.child.current_setting_id
            if case.child.protected_whereabouts:
                self._withhold_setting(case.child.current_setting)

    def _reassessment(self, case):
        """A request for a re-assessment: the decision is due in 15 days (reg 25(1)); the council
        need not re-assess within 6 months of the last assessment (reg 24)."""
        name = case.child.first_name
        self.fields["decision"].label = f"Will the council re-assess {name}'s needs?"
        self.fields["decision"].choices = [("yes", "Yes, re-assess"), ("no", "No, refuse")]
        self.fields["decision"].help_text = (
            f"{name} has an EHC plan. Tell the parent or young person within 15 days of the "
            f"request, by {case.decision_to_assess_due_on:%-d %B %Y} (SEND Regulations 2014, "
            "reg 25(1)). Advice is sought as for a first assessment (reg 26)."
        )
        self.fields["reasons"].label = "Reasons for refusing to re-assess (for the decision letter)"
        last = case.previous_assessment_on
        recent = deadlines.reassessment_may_be_refused(
            last_assessed_on=last, received_on=case.request_received_on
        )
        self.fields["reasons"].help_text = (
            (
                f"{name}'s last EHC needs assessment was completed on {last:%-d %B %Y}, within the 6 "
                "months before this request: the council need not re-assess (reg 24), and the "
                "reasons may say so. "
                if recent
                else ""
            )
            + "A refusal can be appealed to the tribunal (Children and Families Act 2014, s.51(2)(d))."
        )

    def _withhold_setting(self, setting):
        """A protected child's school is prefilled, and typed back, without its name or id; it
        may still be typed by name, so what the box accepts gives nothing away (DM-02). The page
        does not know who reads it, so this holds for everyone."""
        field = self.fields["advice_educational"]
        field.withheld = setting
        field.withheld_label = CHILDS_SETTING_WITHHELD

    def clean(self):
        data = super().clean()
        if data.get("decision") is False and not (data.get("reasons") or "").strip():
            self.add_error("reasons", "Enter the reasons for refusing to assess")
        asks = data.get("ask_parent_views") or any(data.get(name) for _, name in self.ADVICE_FIELDS)
        if data.get("decision") is True and not asks:
            raise forms.ValidationError("Choose at least one agency to ask for advice")
        data["letter_sent"] = letter_sent(
            self, data, needed=data.get("decision") is False, decided_on=data.get("decided_on")
        )
        return data

    def advice_wanted(self, *, council):
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

    def __init__(self, *args, case=None, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        today = today or timezone.localdate()
        #: Advice still missing (ADVICE-PROCEED): overdue advice gets a reason field each;
        #: advice not yet due holds the decision back and is listed on the page.
        self.advice_overdue: dict[str, AdviceRequest] = {}
        self.advice_not_due: list[AdviceRequest] = []
        if case is not None:
            self._add_missing_advice_fields(case, today)
        add_letter_sent_fields(self, what="letter of the decision not to issue")

    def _add_missing_advice_fields(self, case, today: date) -> None:
        whereabouts = not case.child.protected_whereabouts
        for advice in case.advice_requests.select_related("agency").order_by("due_on", "pk"):
            if not advice.is_outstanding:
                continue
            if not advice_rules.is_overdue(advice.as_fact(), on=today):
                self.advice_not_due.append(advice)
                continue
            name = f"without_{advice.public_id.hex}"
            self.advice_overdue[name] = advice
            source = agency_label(advice.agency, whereabouts=whereabouts, child=case.child)
            self.fields[name] = forms.CharField(
                label=(
                    f"Advice still missing: {advice.short_label.lower()} from {source} "
                    f"(overdue since {advice.due_on:%-d %B %Y}). Reason for deciding without it"
                ),
                help_text=(
                    "It stays asked for and is chased; if it comes before the final plan it is "
                    "added as usual."
                ),
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=1000,
                required=False,
            )

    def clean(self):
        data = super().clean()
        if data.get("decision") is False and not (data.get("reasons") or "").strip():
            self.add_error("reasons", "Enter the reasons for not issuing a plan")
        decided_on = data.get("decided_on")
        data["letter_sent"] = letter_sent(
            self, data, needed=data.get("decision") is False, decided_on=data.get("decided_on")
        )
        if decided_on is None:
            return data
        for advice in self.advice_not_due:
            self.add_error(
                None,
                f"{advice.short_label} is not due until {advice.due_on:%-d %B %Y} (reg 8(1)): "
                "wait for it, or cancel the request with a reason, before you decide",
            )
        for name, advice in self.advice_overdue.items():
            if not advice_rules.is_overdue(advice.as_fact(), on=decided_on):
                self.add_error(
                    name, f"On {decided_on:%-d %B %Y} this advice was not overdue yet (reg 8(1))"
                )
            elif not (data.get(name) or "").strip():
                self.add_error(
                    name, f"Give the reason for deciding without the {advice.short_label.lower()}"
                )
        return data

    def advice_reasons(self) -> dict[int, str]:
        """The reasons given for deciding without overdue advice, by advice request id."""
        return {
            advice.pk: self.cleaned_data.get(name, "")
            for name, advice in self.advice_overdue.items()
        }


class IssueDraftForm(GovForm):
    issued_on = date_field(
        "Date of the draft plan",
        help_text="The family's 15 days begin with the day the draft is served (reg 13(1)).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_letter_sent_fields(self, what="draft plan and its letter")

    def clean(self):
        data = super().clean()
        data["letter_sent"] = letter_sent(self, data, needed=True, decided_on=data.get("issued_on"))
        return data


class CommentsForm(GovForm):
    responded = forms.TypedChoiceField(
        label="Has the family commented on the draft?",
        choices=[("yes", "Yes"), ("no", "No, and the 15 days have ended")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the family has commented"},
    )
    received_on = date_field("Date the comments were received", required=False)
    summary = forms.CharField(
        label="Summary of the comments", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    requested_setting = SettingField(
        label="School or setting the family asked for",
        help_text=(
            "It must be consulted (s.39 Children and Families Act 2014). Leave empty if the "
            "family did not ask for one."
        ),
        required=False,
    )
    alternatives = SettingField(
        multiple=True,
        label="Other schools or settings the council will consult",
        help_text="Each has 15 days to reply (SEND Code of Practice 9.83).",
        required=False,
    )
    meeting_requested = forms.BooleanField(label="The family asked for a meeting", required=False)
    no_further_comments_on = date_field(
        "Date they said in writing that they have nothing more to add",
        required=False,
        help_text=(
            "Only if the parent or young person has said so in writing. The final plan cannot be "
            "issued before the 15 days for representations end unless they have (reg 13(1))."
        ),
    )

    def clean(self):
        data = super().clean()
        if data.get("responded") and not data.get("received_on"):
            self.add_error("received_on", "Enter the date the comments were received")
        requested = data.get("requested_setting")
        alternatives = data.get("alternatives")
        if "requested_setting" in data and "alternatives" in data:
            if requested is None and not alternatives:
                self.add_error("alternatives", "Enter at least one school or setting to consult")
            elif requested is not None and requested in alternatives:
                self.add_error(
                    "alternatives",
                    f"{requested.name} is the family's preference: do not choose it again",
                )
        return data


class ConsultSettingForm(GovForm):
    """Consult one more setting while consulting on the draft (s.40(2) CFA 2014)."""

    setting = SettingField(
        label="School or setting to consult",
        help_text="It has 15 days to reply (SEND Code of Practice 9.83).",
        error_messages={"required": "Enter the school or setting to consult"},
    )


class ConsultationReplyForm(GovForm):
    response = forms.ChoiceField(
        label="Can the setting meet the child's needs?",
        choices=ConsultationResponse.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the setting's answer"},
    )
    replied_on = date_field("Date of the reply")
    notes = forms.CharField(
        label="Reasons and comments", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


def _reply_label(consultation) -> str:
    """What the setting said, or that it has not: shown next to each setting to name."""
    due = f"{consultation.reply_due_on:%-d %B %Y}"
    if consultation.closed_without_reply_on is not None:
        return f", no reply by {due}"
    if consultation.replied_on is not None:
        return f", replied: {consultation.get_response_display().lower()}"
    if consultation.reply_due_on is not None:
        return f", no reply yet (due {due})"
    return ", no reply yet"


class IssueFinalForm(GovForm):
    issued_on = date_field("Date the final plan was issued")
    named_setting = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label="School or setting named in section I",
        help_text="A setting consulted: its reply, or that it did not reply, is shown.",
        required=False,
        error_messages={"invalid_choice": "Select the setting to name"},
    )
    named_setting_type = forms.CharField(
        label="Or the type of school or setting named in section I",
        help_text=(
            "Only if the plan names no school or setting (s.40(2) Children and Families Act 2014)."
        ),
        max_length=200,
        required=False,
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        add_letter_sent_fields(self, what="final plan and its letter")
        if case is not None:
            latest = {
                c.setting_id: c
                for c in case.consultations.select_related("setting").order_by("sent_on", "pk")
            }
            field = self.fields["named_setting"]
            field.queryset = Agency.objects.filter(consultations__case=case).distinct()
            field.label_from_instance = lambda setting: (
                f"{setting.name}{_reply_label(latest[setting.pk])}"
                if setting.pk in latest
                else setting.name
            )
            if case.child.protected_whereabouts:
                self._withhold_settings(case)

    def clean(self):
        data = super().clean()
        if "named_setting" in data and "named_setting_type" in data:
            named, kind = data.get("named_setting"), (data.get("named_setting_type") or "").strip()
            if named is None and not kind:
                self.add_error("named_setting", "Select the setting to name, or enter a type")
            elif named is not None and kind:
                self.add_error(
                    "named_setting_type", "Name either a setting or a type of setting, not both"
                )
        data["letter_sent"] = letter_sent(self, data, needed=True, decided_on=data.get("issued_on"))
        return data

    def _withhold_settings(self, case):
        """A protected child's consulted settings, offered without their names or ids (each by
        its consultation; the page does not know who reads it, so this holds for everyone)."""
        field = self.fields["named_setting"]
        consultations = {
            str(c.public_id): c
            for c in case.consultations.select_related("setting").order_by("sent_on", "pk")
        }

        def label(c):
            name = agency_label(c.setting, whereabouts=False, child=case.child)
            sent = f"{c.sent_on.day} {c.sent_on:%B %Y}"
            return f"{name[:1].upper()}{name[1:]}, consulted on {sent}{_reply_label(c)}"

        message = "Select the setting to name"
        self.fields["named_setting"] = forms.TypedChoiceField(
            label=field.label,
            choices=[("", "Select the setting")]
            + [(key, label(c)) for key, c in consultations.items()],
            coerce=lambda key: consultations[key].setting,
            required=False,
            empty_value=None,
            error_messages={"invalid_choice": message},
        )


class NoticeForm(GovForm):
    """Record notices to partners about the request (SEND Regulations 2014, regs 4(2), 5(2),
    10(2)): which regulation, who was told (each with its agency, or a name when it is not in
    the system), when and how. The service checks the rest with `rules.notices`."""

    regulation = forms.ChoiceField(
        label="What were they told?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the notice is about"},
    )
    recipients = forms.MultipleChoiceField(
        label="Who was told?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select who was told"},
    )
    health_agency = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Health body",
        empty_label="Not in this service: enter its name below",
    )
    health_name = forms.CharField(
        label="Health body's name, if it is not in the list", max_length=200, required=False
    )
    social_care_agency = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Social care",
        empty_label="Not in this service: enter its name below",
    )
    social_care_name = forms.CharField(
        label="Social care team's name, if it is not in the list", max_length=200, required=False
    )
    education_agency = SettingField(
        required=False,
        label="School, early years provider or college",
        help_text="Leave it empty if it is not in this service, and enter its name below",
    )
    education_name = forms.CharField(
        label="Its name and the person told, if it is not in this service",
        max_length=200,
        required=False,
    )
    sent_on = date_field("Date the notice was sent")
    method = forms.ChoiceField(
        label="How was it sent?",
        choices=NoticeMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the notice was sent"},
    )

    def __init__(self, *args, case, whereabouts: bool, regulations, education, prefill, **kwargs):
        initial = kwargs.pop("initial", None) or {}
        initial.setdefault("health_agency", prefill.get(notice_rules.Recipient.HEALTH))
        initial.setdefault("social_care_agency", prefill.get(notice_rules.Recipient.SOCIAL_CARE))
        initial.setdefault("education_agency", prefill.get("EDUCATION"))
        if len(regulations) == 1:
            initial.setdefault("regulation", regulations[0])
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["regulation"].choices = [
            (r, notice_rules.REGULATION_LABELS[r]) for r in regulations
        ]
        self.fields["recipients"].choices = [
            (r, notice_rules.RECIPIENT_LABELS[r])
            for r in (notice_rules.Recipient.HEALTH, notice_rules.Recipient.SOCIAL_CARE, *education)
        ]
        self.fields["health_agency"].queryset = agencies_of(AgencyKind.HEALTH)
        self.fields["social_care_agency"].queryset = agencies_of(AgencyKind.SOCIAL_CARE)
        if not whereabouts and case.child.current_setting_id:
            # A protected child's school is shown, and typed back, without its name (DM-02).
            setting = self.fields["education_agency"]
            setting.withheld = case.child.current_setting
            setting.withheld_label = CHILDS_SETTING_WITHHELD

    def notice_to(self) -> list[NoticeTo]:
        """The recipients ticked, each with the agency chosen for it or the name typed."""
        data = self.cleaned_data
        chosen = []
        for recipient in data["recipients"]:
            group = (
                recipient.lower()
                if recipient in (notice_rules.Recipient.HEALTH, notice_rules.Recipient.SOCIAL_CARE)
                else "education"
            )
            chosen.append(
                NoticeTo(
                    recipient=recipient,
                    agency=data.get(f"{group}_agency"),
                    name=data.get(f"{group}_name", ""),
                )
            )
        return chosen
