"""How and when letters were sent (LetterSending), and the dates that run from it.

Mediation contact (SEND Regulations 2014, reg 33) and appeal (Tribunal Procedure (HESC) Rules
2008, r.20(1)(c)) run 2 months from the day the decision letter was *sent*; the 15 days for
representations on the draft (reg 13(1)) begin with the day the draft was *served* (LETTER-SERVED:
by post, the second working day after posting)."""

from datetime import date, timedelta

import pytest
import time_machine

from ehcp.assessments.models import Assessment, AssessmentStatus
from ehcp.assessments.rules import deadlines
from ehcp.assessments.services import assessment as assessment_services
from ehcp.common.services import CaseRuleError
from ehcp.plans.models import DocumentKind, DocumentRender, ImmutableDocumentError, LetterSending
from ehcp.plans.rules.letters import LetterSent, SendingMethod
from ehcp.plans.services import letter_sending_record
from tests.factories import db_state

from .conftest import flat, pdf_text

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def _refuse(walk, *, sent=None, today=None):
    walk.receive()
    on = walk.when.decided_on
    walk.complete(
        walk.task("decide_to_assess"),
        lambda case: assessment_services.case_assessment_decide(
            case=case,
            assess=False,
            decided_on=on,
            reasons="Needs can be met from SEN support",
            by=walk.cast.caseworker,
            today=today or on,
            sent=sent,
        ),
    )
    return walk.refresh()


def _letter(case, kind=DocumentKind.REFUSAL_LETTER) -> DocumentRender:
    return DocumentRender.objects.get(case=case, kind=kind)


def _read(render: DocumentRender) -> str:
    with render.document.file.open("rb") as handle:
        return flat(" ".join(pdf_text(handle.read())))


def when(d) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


# -- services -------------------------------------------------------------------------------


def test_reg_33_and_rule_20_1_c_dates_run_from_the_day_the_refusal_letter_was_sent(walk):
    """Sent by post two days after the decision: the letter's mediation and appeal dates are 2
    months from the day it was sent, not from the decision; served on the second working day."""
    decided = walk.when.decided_on
    sent_on = decided + 2 * DAY
    case = _refuse(walk, sent=LetterSent(sent_on, SendingMethod.POST), today=sent_on)
    letter = _letter(case)
    sending = LetterSending.objects.get(letter=letter)
    assert (sending.sent_on, sending.method) == (sent_on, "POST")
    assert sending.served_on > sent_on and sending.recorded_by == walk.cast.caseworker
    assert letter.content["appeal_by"] == deadlines.appeal_deadline(sent_on).isoformat()
    assert letter.content["mediation_contact_by"] == (
        deadlines.mediation_contact_deadline(sent_on).isoformat()
    )
    assert letter.content["appeal_by"] != deadlines.appeal_deadline(decided).isoformat()


def test_a_letter_not_yet_sent_states_no_dates_and_is_recorded_later(walk):
    case = _refuse(walk, sent=None)
    letter = _letter(case)
    assert "appeal_by" not in letter.content and "mediation_contact_by" not in letter.content
    assert not LetterSending.objects.exists()
    later = walk.when.decided_on + 5 * DAY
    letter_sending_record(
        letter=letter,
        sent=LetterSent(later, SendingMethod.EMAIL),
        by=walk.cast.caseworker,
        today=later,
    )
    sending = LetterSending.objects.get()
    assert sending.served_on == later  # by e-mail: served the day sent


@pytest.mark.parametrize(
    ("offset", "message"),
    [(-1 * DAY, "must be on or after"), (3 * DAY, "must be today or in the past")],
)
def test_a_sending_before_the_decision_or_in_the_future_is_refused(walk, offset, message):
    case = _refuse(walk, sent=None)
    before = db_state()
    with pytest.raises(CaseRuleError) as refused:
        letter_sending_record(
            letter=_letter(case),
            sent=LetterSent(walk.when.decided_on + offset, SendingMethod.POST),
            by=walk.cast.caseworker,
            today=walk.when.decided_on + DAY,
        )
    assert message in refused.value.messages[0]
    assert db_state() == before


def test_a_correction_needs_a_reason_and_keeps_the_earlier_record(walk):
    decided = walk.when.decided_on
    case = _refuse(walk, sent=LetterSent(decided, SendingMethod.EMAIL))
    letter = _letter(case)
    with pytest.raises(CaseRuleError, match="enter why"):
        letter_sending_record(
            letter=letter,
            sent=LetterSent(decided + DAY, SendingMethod.POST),
            by=walk.cast.caseworker,
            today=decided + DAY,
        )
    letter_sending_record(
        letter=letter,
        sent=LetterSent(decided + DAY, SendingMethod.POST),
        reason="The e-mail bounced; posted the next day",
        by=walk.cast.caseworker,
        today=decided + DAY,
    )
    first, second = LetterSending.objects.order_by("pk")
    assert second.corrects == first and second.reason.startswith("The e-mail bounced")
    assert (first.sent_on, first.method) == (decided, "EMAIL")  # nothing lost
    with pytest.raises(ImmutableDocumentError):
        first.save()
    with pytest.raises(ImmutableDocumentError):
        LetterSending.objects.all().delete()


def test_reg_13_1_the_15_days_run_from_the_day_the_draft_was_served_by_post(drafting, plan, cast):
    """Posted on Thursday 23 December 2027: served Wednesday 29 December (the weekend, and
    Christmas and Boxing Days observed on the 27th and 28th, are not working days); comments
    until 12 January 2028."""
    posted = date(2027, 12, 23)
    assessment_services.plan_draft_issue(
        case=drafting.case,
        issued_on=posted,
        by=cast.caseworker,
        today=posted,
        sent=LetterSent(posted, SendingMethod.POST),
    )
    case = Assessment.objects.get(pk=drafting.case.pk)
    assert case.draft_comments_due_on == date(2028, 1, 12)
    letter = _letter(case, DocumentKind.DRAFT_LETTER)
    assert letter.content["served_on"] == "2027-12-29"
    assert letter.content["comments_due_on"] == "2028-01-12"
    sending = LetterSending.objects.get(letter=letter)
    assert sending.enclosure.kind == DocumentKind.DRAFT_PLAN


def test_reg_13_1_a_draft_not_yet_sent_blocks_the_final_plan_until_it_is_recorded(
    drafting, plan, cast
):
    on = drafting.when.draft_on
    assessment_services.plan_draft_issue(
        case=drafting.case, issued_on=on, by=cast.caseworker, today=on
    )
    case = Assessment.objects.get(pk=drafting.case.pk)
    assert case.status == AssessmentStatus.DRAFT_ISSUED and case.draft_comments_due_on is None
    with pytest.raises(CaseRuleError, match="not recorded as sent"):
        assessment_services.draft_comments_record(
            case=case,
            received_on=None,
            summary="",
            setting_to_consult=cast.school,
            requested_by_family=False,
            by=cast.caseworker,
            today=on + 30 * DAY,
        )
    posted = on + 2 * DAY
    letter_sending_record(
        letter=_letter(case, DocumentKind.DRAFT_LETTER),
        sent=LetterSent(posted, SendingMethod.HAND),
        by=cast.caseworker,
        today=posted,
    )
    case.refresh_from_db()
    assert case.draft_comments_due_on == posted + 14 * DAY
    assert deadlines.representations_closed(
        comments_due_on=case.draft_comments_due_on,
        no_further_comments_on=None,
        on=posted + 15 * DAY,
    )
    assert not deadlines.representations_closed(
        comments_due_on=case.draft_comments_due_on,
        no_further_comments_on=None,
        on=on + 15 * DAY,  # 15 days from the issue date, but not from the day it was served
    )


# -- the letter PDF ------------------------------------------------------------------------


def test_the_letter_pdf_states_the_appeal_date_from_the_day_it_was_sent(
    walk, django_capture_on_commit_callbacks
):
    """Reg 33, Tribunal rule 20(1)(c): the refusal letter posted 2 days after the decision."""
    sent_on = walk.when.decided_on + 2 * DAY
    with django_capture_on_commit_callbacks(execute=True):
        case = _refuse(walk, sent=LetterSent(sent_on, SendingMethod.POST), today=sent_on)
    text = _read(_letter(case))
    assert f"must receive your appeal by {when(deadlines.appeal_deadline(sent_on))}" in text
    assert (
        f"Contact the mediation adviser by {when(deadlines.mediation_contact_deadline(sent_on))}"
        in text
    )
    assert when(deadlines.appeal_deadline(walk.when.decided_on)) not in text


def test_a_letter_pdf_frozen_before_sending_states_the_rule_not_a_date(
    walk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = _refuse(walk, sent=None)
    text = _read(_letter(case))
    assert "must receive your appeal within 2 months of the date this letter was sent" in text
    assert "Contact the mediation adviser within 2 months of the date this letter was sent" in text
    assert when(deadlines.appeal_deadline(walk.when.decided_on)) not in text


# -- pages ----------------------------------------------------------------------------------


def test_the_case_page_shows_not_yet_sent_and_no_appeal_date_until_the_sending_is_recorded(
    client, walk
):
    case = _refuse(walk, sent=None)
    sent_on = walk.when.decided_on + DAY
    # The pages read today's date: be the day after the letter went (signed in on that day).
    traveller = time_machine.travel(sent_on + DAY, tick=False)
    traveller.start()
    try:
        _record_sending_on_the_pages(client, walk, case, sent_on)
    finally:
        traveller.stop()
    assert LetterSending.objects.count() == 1


def _record_sending_on_the_pages(client, walk, case, sent_on):
    client.force_login(walk.cast.caseworker)
    page = client.get(f"/cases/{case.public_id}/").content.decode()
    assert "Letter not yet sent" in page and "Not yet sent" in page
    assert "Appeal by <strong>" not in page  # the table header says "Appeal by"
    assert "Record how this letter was sent" in page

    # The documents page: the caseworker records it, posting only the fields the page shows.
    letter = _letter(case)
    url = f"/cases/{case.public_id}/plan/letters/{letter.public_id}/sent/"
    form = client.get(url).content.decode()
    assert 'name="method"' in form and 'name="sent_on_0"' in form and 'name="reason"' not in form
    response = client.post(
        url,
        {
            "method": "POST",
            "sent_on_0": sent_on.day,
            "sent_on_1": sent_on.month,
            "sent_on_2": sent_on.year,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(f"/cases/{case.public_id}/").content.decode()
    appeal_by = deadlines.appeal_deadline(sent_on)
    assert f"Appeal by <strong>{when(appeal_by)}</strong>" in page
    assert "By first class post" in page
    # Correcting it asks why.
    form = client.get(url).content.decode()
    assert 'name="reason"' in form
    refused = client.post(
        url,
        {
            "method": "EMAIL",
            "sent_on_0": sent_on.day,
            "sent_on_1": sent_on.month,
            "sent_on_2": sent_on.year,
        },
    )
    assert "Enter why the earlier record is being corrected" in refused.content.decode()
