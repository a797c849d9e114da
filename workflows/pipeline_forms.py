"""The review pipeline's filters (from the query string) and what its bulk actions post.

A bulk action posts only rows the page showed: the page carries a signed list of the rows it
showed (for this person, this action, for a few hours), and a selection outside that list is
refused before anything changes.
"""

from django import forms
from django.core import signing

from ehcp.common.forms import GovForm, date_field
from ehcp.reviews import pipeline
from ehcp.reviews.pipeline import PipelineFilters
from ehcp.reviews.rules.terms import term_by_code

SHOWN_SALT = "workflows.pipeline.shown"
#: How long a page's bulk form stays good (seconds).
SHOWN_MAX_AGE = 8 * 60 * 60


class PipelineFilterForm(forms.Form):
    """The pipeline's filters. A value that is not one of the choices (a stale link, an edited
    URL) is shown as an error and that filter is not applied; the others still are."""

    stage = forms.ChoiceField(
        required=False, error_messages={"invalid_choice": "Select a stage from the list"}
    )
    caseworker = forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Select a caseworker from the list"},
    )
    school = forms.CharField(
        required=False,
        max_length=100,
        error_messages={"max_length": "Enter 100 characters or fewer of the school's name"},
    )
    transfer_year = forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Select a year of transfer from the list"},
    )
    term = forms.ChoiceField(
        required=False, error_messages={"invalid_choice": "Select a term from the list"}
    )
    overdue = forms.BooleanField(required=False)

    def __init__(self, data, *, caseworkers, years, terms):
        """``caseworkers`` ((id, name) pairs), ``years`` and ``terms`` are what the page offers:
        a value is checked against them without another query."""
        super().__init__(data, auto_id="f-%s")
        self.fields["stage"].choices = [("", "")] + [(s.code, s.label) for s in pipeline.STAGES]
        self.fields["caseworker"].choices = [("", "Anyone"), *caseworkers]
        self.fields["transfer_year"].choices = [
            ("", "Any"),
            *((str(year), f"September {year}") for year in years),
        ]
        self.fields["term"].choices = [("", "Any time"), *((t.code, t.label) for t in terms)]

    def valid_filters(self) -> tuple[pipeline.Stage, PipelineFilters]:
        """The stage and the filters that passed (the defaults for the rest)."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if value is not None}
        stage = pipeline.STAGES_BY_CODE.get(data.get("stage") or pipeline.DEFAULT_STAGE)
        return stage, PipelineFilters(
            caseworker_id=data.get("caseworker"),
            school=(data.get("school") or "").strip(),
            transfer_year=data.get("transfer_year"),
            term=term_by_code(data.get("term") or ""),
            overdue=bool(data.get("overdue")),
        )


def shown_token(*, user, action: str, ids) -> str:
    """The signed list of the rows a page showed, for one person and one bulk action."""
    return signing.dumps(
        {"u": user.pk, "a": action, "ids": [str(i) for i in ids]}, salt=SHOWN_SALT, compress=True
    )


class BulkSelectionError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def selected_ids(post, *, user, action: str) -> list[str]:
    """The rows chosen in a bulk form: those ticked (``row``), or every row the page showed
    (``all``). Raises `BulkSelectionError` for a form that is too old, not this person's or this
    action's, or that names a row the page did not show, or for an empty choice."""
    try:
        shown = signing.loads(post.get("shown", ""), salt=SHOWN_SALT, max_age=SHOWN_MAX_AGE)
    except signing.SignatureExpired as error:
        raise BulkSelectionError(
            "This list is more than 8 hours old: nothing was changed. Reload the page and "
            "choose again"
        ) from error
    except signing.BadSignature as error:
        raise BulkSelectionError("Choose from the list on the page: nothing was changed") from error
    if not isinstance(shown, dict) or shown.get("u") != user.pk or shown.get("a") != action:
        raise BulkSelectionError("Choose from the list on the page: nothing was changed")
    allowed = list(shown.get("ids") or [])
    if post.get("all"):
        chosen = allowed
    else:
        chosen = list(dict.fromkeys(post.getlist("row")))
        if any(row not in allowed for row in chosen):
            raise BulkSelectionError("Choose only from the rows on the page: nothing was changed")
    if not chosen:
        raise BulkSelectionError("Select at least one row, or choose all the rows shown")
    return chosen


class FiguresYearForm(forms.Form):
    """The calendar year of the DfE annual review figures."""

    year = forms.IntegerField(required=False)

    def __init__(self, data, *, first: int, last: int):
        super().__init__(data, auto_id="f-%s")
        self.first, self.last = first, last
        message = f"Enter a year from {first} to {last}, like {last - 1}"
        field = self.fields["year"]
        field.error_messages = {"invalid": message}
        self.range_message = message

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year is not None and not self.first <= year <= self.last:
            raise forms.ValidationError(self.range_message)
        return year

    def chosen(self, default: int) -> int:
        """The year asked for, or ``default`` when none (or a bad one) was."""
        if self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return default


class InvitationsBatchForm(GovForm):
    """The invitations sent for the reviews chosen on the pipeline: one date for all of them."""

    sent_on = date_field("Date the invitations were sent")
    late_reason = forms.CharField(
        label="If any of them gave less than 2 weeks' notice of the meeting, why (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded on each review whose invitations are late (SEND Regulations 2014, "
        "regs 20(3) and 21(3))",
    )
