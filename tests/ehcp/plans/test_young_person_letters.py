"""Letters go to the party as of the letter's date: the parents of a child; a young person, with
a copy to their parents only where the young person agrees or lacks capacity, as recorded
(Children and Families Act 2014 s.83(2); CFA 2014 s.80 and SEND Regulations 2014 regs 63-65 and
Schedule 3; Mental Capacity Act 2005; SEND Code of Practice 8.13-8.15).

The child is born 10 January 2011 and is a young person from Saturday 26 June 2027.
"""

from datetime import date

import pytest

from ehcp.assessments.services import assessment as assessment_services
from ehcp.children import services as child_services
from ehcp.children.models import ParentCarer
from ehcp.plans import documents
from ehcp.plans import services as plan_services
from ehcp.plans.models import DocumentKind, DocumentRender
from tests.factories import ChildFactory, request_kwargs

pytestmark = pytest.mark.django_db

BORN = date(2011, 1, 10)
STILL_A_CHILD = date(2027, 6, 25)
YOUNG = date(2027, 6, 26)


@pytest.fixture
def case(cast):
    child = ChildFactory(first_name="Sam", last_name="Quillfeather", date_of_birth=BORN)
    ParentCarer.objects.create(child=child, name="Morwenna Quillfeather", relationship="mother")
    ParentCarer.objects.create(
        child=child,
        name="Foster Carer",
        relationship="foster carer",
        has_parental_responsibility=False,
    )
    return assessment_services.case_request_receive(
        **request_kwargs(cast, child=child, child_details=None, received_on=date(2027, 6, 1))
    )


def record(case, cast, kind, from_on=YOUNG):
    return child_services.young_person_record(
        child=case.child,
        kind=kind,
        from_on=from_on,
        reason="Recorded after a meeting with Sam, the college nurse and Sam's mother",
        by=cast.caseworker,
        today=from_on,
    )


def html(content: dict, kind=DocumentKind.DRAFT_LETTER) -> str:
    return " ".join(documents.render_html(kind, content).split())


def draft_letter(case, on) -> dict:
    return plan_services.letter_content(
        episode=case, kind=DocumentKind.DRAFT_LETTER, issued_on=on, plan_version=1
    )


# -- who the letter is to --------------------------------------------------------------------------


def test_a_childs_letter_goes_to_the_parents_with_parental_responsibility(case):
    """CFA 2014 s.83(2): until the day after the school leaving date the parent is the party."""
    content = draft_letter(case, STILL_A_CHILD)

    assert content["party"] == "PARENT"
    assert content["recipients"] == ["Morwenna Quillfeather"]
    text = html(content)
    assert "Dear Morwenna Quillfeather," in text
    assert "Your child&#x27;s draft education, health and care plan" in text
    assert "Copy to" not in text


def test_a_young_persons_letter_goes_to_them_alone(case):
    """CFA 2014 s.83(2): the young person is the party; their parents are not sent it unless they
    agree or lack capacity."""
    content = draft_letter(case, YOUNG)

    assert content["party"] == "YOUNG_PERSON"
    assert content["recipients"] == ["Sam Quillfeather"]
    assert content["copy_to"] == []
    text = html(content)
    assert "Dear Sam Quillfeather," in text
    assert "Your draft education, health and care plan" in text
    assert "With this letter is your <strong>draft</strong>" in text
    assert "it sets out your needs" in text
    assert "Morwenna" not in text and "Copy to" not in text


def test_a_young_persons_letter_is_copied_to_the_parents_they_agreed_to(case, cast):
    """SEND Code of Practice 8.13-8.15: a young person may ask for their parents to be involved."""
    record(case, cast, "PARENT_INCLUDED")

    content = draft_letter(case, YOUNG)

    assert content["recipients"] == ["Sam Quillfeather"]
    assert content["copy_to"] == ["Morwenna Quillfeather"]
    assert content["copy_reason"] == "AGREED"
    assert "Copy to</th><td>Morwenna Quillfeather, as Sam agreed" in html(content)


def test_a_young_persons_letter_is_copied_to_the_parents_who_act_for_them(case, cast):
    """CFA 2014 s.80; SEND Regulations 2014 reg 64 and Schedule 3: where a young person lacks
    capacity, their parent acts for them, and may appeal for them."""
    record(case, cast, "LACKS_CAPACITY")

    content = plan_services.letter_content(
        episode=case, kind=DocumentKind.REFUSAL_LETTER, issued_on=YOUNG
    )

    assert content["copy_to"] == ["Morwenna Quillfeather"]
    assert content["copy_reason"] == "LACKS_CAPACITY"
    text = html(content, DocumentKind.REFUSAL_LETTER)
    assert "Morwenna Quillfeather, who acts for Sam (Mental Capacity Act 2005)" in text
    assert "As you are a young person, the right to appeal and to ask for mediation is yours." in (
        text
    )
    assert "Your parent or carer can use it for you" in text
    assert "for you on 1 June 2027" in text  # the request was for Sam
    assert "Your school, college or setting should continue to meet your needs" in text


def test_the_addressee_is_decided_as_of_the_letters_date(case, cast):
    """CFA 2014 s.83(2): the young person's agreement counts from the day it was given."""
    record(case, cast, "PARENT_INCLUDED", from_on=date(2027, 7, 1))

    assert draft_letter(case, date(2027, 6, 30))["copy_to"] == []
    assert draft_letter(case, date(2027, 7, 1))["copy_to"] == ["Morwenna Quillfeather"]


def test_the_decision_letter_goes_to_the_young_person_on_the_day_it_is_sent(case, cast):
    """CFA 2014 s.83(2) and SEND Regulations 2014 reg 5(3): the refusal to assess is sent to the
    young person, although their parent made the request while they were a child."""
    assessment_services.case_assessment_decide(
        case=case,
        assess=False,
        decided_on=date(2027, 6, 28),
        reasons="Needs can be met from SEN support",
        by=cast.caseworker,
        today=date(2027, 6, 28),
    )

    letter = DocumentRender.objects.get(case=case, kind=DocumentKind.REFUSAL_LETTER)
    assert letter.content["party"] == "YOUNG_PERSON"
    assert letter.content["recipients"] == ["Sam Quillfeather"]


def test_final_and_not_issuing_letters_speak_to_the_young_person(case):
    """CFA 2014 s.83(2): the young person's plan and decisions are theirs."""
    final = plan_services.letter_content(
        episode=case, kind=DocumentKind.FINAL_LETTER, issued_on=YOUNG, plan_version=2
    )
    not_issuing = plan_services.letter_content(
        episode=case, kind=DocumentKind.NOT_ISSUING_LETTER, issued_on=YOUNG
    )

    final_text = html(final, DocumentKind.FINAL_LETTER)
    assert "Your final education, health and care plan" in final_text
    assert "With this letter is your <strong>final</strong>" in final_text
    not_issuing_text = html(not_issuing, DocumentKind.NOT_ISSUING_LETTER)
    assert "We have finished your education, health and care (EHC) needs assessment" in (
        not_issuing_text
    )
    assert "so that it can be used to plan your support" in not_issuing_text


def test_a_letter_frozen_before_the_party_was_recorded_reads_as_before(case):
    """A document's frozen content is never rewritten: content without `party` was a letter to
    the parents, and renders the same."""
    content = draft_letter(case, YOUNG)
    for key in ("party", "copy_to", "copy_reason"):
        content.pop(key)
    content["recipients"] = []

    context = documents.letter_context(DocumentKind.DRAFT_LETTER, content, brand={})

    assert context["to_young_person"] is False
    assert context["salutation"] == "Dear parent or carer of Sam Quillfeather"
    assert context["subject"] == "Your child's draft education, health and care plan"
