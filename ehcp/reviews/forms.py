"""The review episode's forms: shape only (required fields, dates, choices). The rules are the
services' (ehcp.reviews.services)."""

from django import forms

from ehcp.common.forms import GovForm, date_field
from ehcp.plans.forms import add_letter_sent_fields, letter_sent
from ehcp.reviews.models import CEASE_WITHOUT_REVIEW_REASONS
from ehcp.reviews.rules import cease as cease_rules

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
