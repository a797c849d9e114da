"""Forms for managing the team's work: giving a task to someone else, changing a case's
caseworker. Both need a reason, which is recorded."""

from django import forms

from ehcp.assessments.services.casework import CASEWORKER_REASON_MAX
from ehcp.common.forms import GovForm

from .services import REASSIGN_REASON_MAX


def _person_label(user) -> str:
    return user.get_full_name() or user.username


class ReassignForm(GovForm):
    user = forms.ModelChoiceField(
        queryset=None,
        label="Who should do this task?",
        empty_label="Select a person",
        error_messages={
            "required": "Select the person to give the task to",
            "invalid_choice": "Select someone who works this queue",
        },
    )
    reason = forms.CharField(
        label="Why are you giving the task to them?",
        help_text="For example, covering annual leave. The reason is recorded with the task.",
        max_length=REASSIGN_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter the reason for giving the task to someone else",
            "max_length": f"The reason must be {REASSIGN_REASON_MAX} characters or fewer",
        },
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people
        self.fields["user"].label_from_instance = _person_label


class CaseworkerForm(GovForm):
    caseworker = forms.ModelChoiceField(
        queryset=None,
        label="New caseworker",
        empty_label="Select a caseworker",
        error_messages={
            "required": "Select the new caseworker",
            "invalid_choice": "Select a caseworker or SEN manager who works for the council",
        },
    )
    reason = forms.CharField(
        label="Why is the case changing caseworker?",
        help_text=f"For example, caseload balancing. Up to {CASEWORKER_REASON_MAX} characters; "
        "it is recorded in the case's history.",
        max_length=CASEWORKER_REASON_MAX,
        error_messages={
            "required": "Enter the reason for changing the caseworker",
            "max_length": f"The reason must be {CASEWORKER_REASON_MAX} characters or fewer",
        },
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["caseworker"].queryset = people
        self.fields["caseworker"].label_from_instance = _person_label
