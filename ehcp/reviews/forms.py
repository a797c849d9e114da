"""The forms of a review's steps (the task pages) and of starting an early or interim review.

Forms check shape (dates, choices, required answers); the services check the rules and say what
is wrong in the caseworker's words. The school or setting invited is named only as "the head
teacher, principal or early years provider": the task pages are also read by people who may not
see a protected child's whereabouts."""

from django import forms

from ehcp.common.forms import GovForm, SettingField, date_field
from ehcp.plans.forms import add_letter_sent_fields, letter_sent
from ehcp.reviews.models import (
    CEASE_WITHOUT_REVIEW_REASONS,
    CeaseReason,
    Recommendation,
    ReturnFinding,
    ReviewDecision,
    ReviewKind,
)
from ehcp.reviews.rules import cease as cease_rules

_TEXT = {"rows": 4}


def _day(value) -> str:
    return f"{value:%-d %B %Y}"


def _invitee_choices(review) -> list[tuple[str, str]]:
    return [
        (str(invitee.pk), invitee.label(whereabouts=False))
        for invitee in review.invitees.select_related("agency").order_by("pk")
    ]


def _late_reason_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only if it is less than 2 weeks before the meeting: the reason is recorded.",
    )


class ArrangeMeetingForm(GovForm):
    meeting_on = date_field("Date of the review meeting")

    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        if review is not None:
            self.fields["meeting_on"].help_text = (
                f"The latest date for an annual review's meeting is {_day(review.latest_meeting_on)}"
                ", so that the council can decide within 4 weeks and inside the 12 months. "
                "Invitations must go at least 2 weeks before it. For example, 27 3 2026"
            )


class InvitationsForm(GovForm):
    sent_on = date_field("Date the invitations were sent")
    others = forms.CharField(
        label="Anyone else invited (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One person or role a line, for example a speech and language therapist.",
    )
    late_reason = _late_reason_field("Why are the invitations late? (if they are)")

    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        if review is not None and review.meeting_on:
            self.fields["sent_on"].help_text = (
                f"The meeting is on {_day(review.meeting_on)}: invitations give at least 2 weeks' "
                f"notice if sent by {_day(review.invitations_due_on)}. For example, 27 3 2026"
            )

    def clean_others(self) -> list[str]:
        lines = (self.cleaned_data.get("others") or "").splitlines()
        names = [line.strip() for line in lines if line.strip()]
        if any(len(name) > 200 for name in names):
            raise forms.ValidationError("Keep each name to 200 characters or fewer")
        return names


class AdviceCirculatedForm(GovForm):
    circulated_on = date_field("Date the advice and information were sent to everyone invited")
    received = forms.MultipleChoiceField(
        label="Whose advice or information came?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    late_reason = _late_reason_field("Why is the advice late? (if it is)")

    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        if review is not None:
            self.fields["received"].choices = _invitee_choices(review)


class MeetingHeldForm(GovForm):
    held_on = date_field("Date the meeting was held")
    attended = forms.MultipleChoiceField(
        label="Who attended?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select who attended the meeting"},
    )
    family_views = forms.CharField(
        label="The views, wishes and feelings of the child and family",
        widget=forms.Textarea(attrs=_TEXT),
        error_messages={"required": "Enter the views, wishes and feelings of the child and family"},
    )

    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        if review is not None:
            self.fields["attended"].choices = _invitee_choices(review)


class ReportForm(GovForm):
    received_on = date_field("Date the report was sent to everyone invited")
    recommendation = forms.ChoiceField(
        label="What does the report recommend?",
        choices=Recommendation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the report recommends"},
    )
    summary = forms.CharField(
        label="Summary of the report",
        widget=forms.Textarea(attrs=_TEXT),
        help_text="Progress towards the outcomes, and any amendments recommended.",
        error_messages={"required": "Enter a summary of the report"},
    )
    differences = forms.CharField(
        label="Differences of opinion (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Where the family or anyone at the meeting disagreed with the recommendation.",
    )


class DecisionForm(GovForm):
    decision = forms.ChoiceField(
        label="What has the council decided?",
        choices=ReviewDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the council's decision"},
    )
    decided_on = date_field("Date of the decision")
    reasons = forms.CharField(
        label="Reasons for the decision",
        required=False,
        widget=forms.Textarea(attrs=_TEXT),
        help_text=(
            "Needed to amend the plan, to cease it or not to amend it (say why the amendments "
            "recommended are not being made); they go in the letter. To amend, prepare the "
            "proposed amendments in the review's working copy of the plan first: the notice "
            "lists them."
        ),
    )
    cease_reason = forms.ChoiceField(
        label="Why is the plan to cease? (only if ceasing)",
        choices=[("", "Choose a reason"), *CeaseReason.choices],
        required=False,
    )
    return_finding = forms.ChoiceField(
        label=(
            "For a young person of 18 or over who stopped attending: what did the review find? "
            "(only if ceasing for that reason)"
        ),
        choices=[("", "Not relevant"), *ReturnFinding.choices],
        required=False,
        help_text="SEND Regulations 2014, reg 30.",
    )

    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        add_letter_sent_fields(self, what="decision letter")
        if review is not None and review.recommendation:
            self.fields[
                "decision"
            ].help_text = f"The report recommends: {review.get_recommendation_display().lower()}."

    def clean(self):
        data = super().clean()
        if data.get("decision") == ReviewDecision.CEASE and not data.get("cease_reason"):
            self.add_error("cease_reason", "Choose why the plan is to cease")
        data["letter_sent"] = letter_sent(
            self, data, needed=bool(data.get("decision")), decided_on=data.get("decided_on")
        )
        return data


class ReviewStartForm(GovForm):
    """The council starts an early or interim review, at any time, with a reason."""

    kind = forms.ChoiceField(
        label="Which review?",
        choices=[(k.value, k.label) for k in (ReviewKind.EARLY, ReviewKind.INTERIM)],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose an early or an interim review"},
        help_text=(
            "An early review brings the annual review forward (for example on a change of needs "
            "or a risk of exclusion); an interim review is held between annual reviews."
        ),
    )
    reason = forms.CharField(
        label="Why is the council reviewing the plan now?",
        widget=forms.Textarea(attrs=_TEXT),
        error_messages={"required": "Enter why the council is reviewing the plan now"},
    )


class Post16MoveForm(GovForm):
    move_on = date_field(
        "Date of the move to the new post-16 institution",
        help_text="For example, 5 1 2028",
    )


# -- ceasing ---------------------------------------------------------------------------------


class CeaseMediationForm(GovForm):
    issued_on = date_field("Date the mediation certificate was issued")


class CeaseAppealForm(GovForm):
    lodged_on = date_field("Date the appeal was lodged with the Tribunal")
    late_admitted = forms.BooleanField(
        label="The Tribunal has allowed the appeal to be made late",
        required=False,
        help_text="Only for an appeal lodged after the time to appeal ended.",
    )


APPEAL_DISMISSED, APPEAL_UPHELD = "DISMISSED", "UPHELD"


class CeaseAppealDecisionForm(GovForm):
    outcome = forms.ChoiceField(
        label="What did the Tribunal decide?",
        choices=[
            (
                APPEAL_DISMISSED,
                "It dismissed the appeal: the plan ceases at once (SEND Regulations 2014, "
                "reg 44(2)(a))",
            ),
            (APPEAL_UPHELD, "It upheld the appeal: the plan stays in force"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the Tribunal decided"},
    )
    decided_on = date_field("Date of the Tribunal's decision")


class CeaseWithoutReviewForm(GovForm):
    """Cease a plan without a review: only the reasons the law allows are offered."""

    reason = forms.ChoiceField(
        label="Why is the plan to cease?",
        choices=[
            (reason.value, cease_rules.REASON_LABELS[cease_rules.Reason(reason)])
            for reason in CEASE_WITHOUT_REVIEW_REASONS
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the plan is to cease"},
        help_text=(
            "For any other reason (needs met, higher education, paid employment, no longer "
            "engaging, other reasons) the plan must be reviewed first: start an early review."
        ),
    )
    reasons = forms.CharField(
        label="Reasons",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reasons for ceasing the plan"},
        help_text=(
            "What happened and when: for example the new council and the day the plan "
            "transferred. The family reads these in the letter."
        ),
    )
    on = date_field(
        "Date of the decision",
        help_text=(
            "After a move to another council in England or a death, the plan ceases on this day. "
            "For example, 27 3 2026"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_letter_sent_fields(self, what="letter telling the family that ceasing is considered")

    def clean(self):
        """`letter_sent`: how the reg 31(1) letter was sent (None: later, or no letter: the plan
        ends on the day after a move to another council in England or a death)."""
        data = super().clean()
        data["letter_sent"] = letter_sent(
            self,
            data,
            needed=bool(data.get("reason")) and not cease_rules.ceases_at_once(data["reason"]),
            decided_on=data.get("on"),
        )
        return data


# -- after a decision to amend (reg 22) --------------------------------------------------------


class AmendmentCommentsForm(GovForm):
    received_on = date_field("Date the comments were received")
    summary = forms.CharField(
        label="Summary of the comments on the proposed amendments",
        required=False,
        widget=forms.Textarea(attrs=_TEXT),
        help_text=(
            "Including any school or college the family asked for, and whether they asked for a "
            "meeting. If nothing came in the 15 days, say so."
        ),
    )
    no_further_comments = forms.BooleanField(
        label="The parent or young person said in writing that they have nothing more to add",
        required=False,
        help_text="Only then may the final amended plan come before the 15 days end.",
    )

    def clean(self):
        data = super().clean()
        if not (data.get("summary") or "").strip() and not data.get("no_further_comments"):
            self.add_error("summary", "Enter a summary of the comments on the proposed amendments")
        return data


class AmendedPlanForm(GovForm):
    issued_on = date_field("Date the final amended plan was issued")
    named_setting = SettingField(
        label="School or setting named in section I (optional)",
        help_text=(
            "Leave it empty to name the setting the plan in force names. Before a phase transfer "
            "the plan must name where the child goes next (SEND Regulations 2014, reg 18(1))."
        ),
        required=False,
    )
    named_setting_type = forms.CharField(
        label="Or the type of school or setting named in section I",
        help_text=(
            "Only if the plan names no school or setting (s.40(2) Children and Families Act 2014)."
        ),
        max_length=200,
        required=False,
    )

    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        add_letter_sent_fields(self, what="amended plan and its letter")

    def clean(self):
        data = super().clean()
        named = data.get("named_setting")
        kind = (data.get("named_setting_type") or "").strip()
        if named is not None and kind:
            self.add_error(
                "named_setting_type", "Name either a setting or a type of setting, not both"
            )
        data["letter_sent"] = letter_sent(self, data, needed=True, decided_on=data.get("issued_on"))
        return data


# -- after a decision to cease (s.45; reg 31) ---------------------------------------------------


class CeaseConsultationForm(GovForm):
    replied_on = date_field("Date of the replies")
    reply = forms.CharField(
        label="What the family and the school or college said",
        widget=forms.Textarea(attrs=_TEXT),
        help_text="Or that they did not reply.",
        error_messages={
            "required": (
                "Enter what the family and the school or college said (or that they did not reply)"
            )
        },
    )


CEASE_NOTICE, NOT_CEASING = "NOTICE", "NOT_CEASING"


class CeaseNoticeForm(GovForm):
    """Having consulted (reg 31(1)), the council decides: to cease (the notice, reg 31(2)-(3)) or
    not to cease (the plan stays as it is; the family is told)."""

    outcome = forms.ChoiceField(
        label="Having heard the replies, what has the council decided?",
        choices=[
            (
                CEASE_NOTICE,
                "To cease the plan: send the notice of the decision, with the right to appeal",
            ),
            (NOT_CEASING, "Not to cease the plan: it stays in force as it is"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the council has decided to cease the plan"},
    )
    issued_on = date_field("Date of the decision, and of the notice or the letter")
    withdrawn_reasons = forms.CharField(
        label="Why the plan will not cease",
        required=False,
        widget=forms.Textarea(attrs=_TEXT),
        help_text="Only if the plan will not cease: the letter to the family says so.",
    )

    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The time to appeal runs from the day the notice was sent: it is recorded with it.
        add_letter_sent_fields(self, what="notice or letter", later=False)

    def clean(self):
        data = super().clean()
        if data.get("outcome") == NOT_CEASING and not (data.get("withdrawn_reasons") or "").strip():
            self.add_error("withdrawn_reasons", "Enter why the plan will not cease")
        data["letter_sent"] = letter_sent(self, data, needed=True, decided_on=data.get("issued_on"))
        return data


class CeaseCarriedOutForm(GovForm):
    """A cease without a review: nobody appealed, the plan ceases (the appeal has its own page)."""

    on = date_field(
        "Date the plan ceased",
        help_text="At the earliest the day after the time to appeal ends.",
    )


CEASED, APPEALED = "CEASED", "APPEALED"


class CeaseConfirmForm(GovForm):
    outcome = forms.ChoiceField(
        label="What happened when the time to appeal ended?",
        choices=[
            (CEASED, "Nobody appealed: the plan has ceased"),
            (APPEALED, "The family appealed to the SEND Tribunal: the plan stays in force"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the plan ceased or an appeal was lodged"},
    )
    on = date_field(
        "Date the plan ceased, or the appeal was lodged",
        help_text="The plan ceases at the earliest the day after the time to appeal ends.",
    )
    late_admitted = forms.BooleanField(
        label="The Tribunal has allowed the appeal to be made late",
        required=False,
        help_text="Only for an appeal lodged after the time to appeal ended.",
    )

    def __init__(self, *args, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        if review is not None and review.appeal_window_ends_on:
            self.fields[
                "outcome"
            ].help_text = f"The time to appeal ends on {_day(review.appeal_window_ends_on)}."
