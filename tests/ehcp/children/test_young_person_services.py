"""The young person as the party, through the services: who consents, who may request, and the
records of a lack of capacity or of the young person's agreement. Every refusal is a
CaseRuleError that changes nothing.

The child is born 10 January 2011: 16 on 10 January 2027, of compulsory school age until the last
Friday in June 2027 (the 25th), and a young person from Saturday 26 June 2027 (Children and
Families Act 2014, s.83(2); Education Act 1996, s.8).
"""

from contextlib import contextmanager
from datetime import date

import pytest

from ehcp.assessments.services import assessment as assessment_services
from ehcp.children import services as child_services
from ehcp.children.models import ConsentRecord, YoungPersonRecord
from ehcp.common.services import CaseRuleError
from tests.factories import RECEIVED, ChildFactory, db_state, request_kwargs

pytestmark = pytest.mark.django_db

BORN = date(2011, 1, 10)
STILL_A_CHILD = date(2027, 6, 25)
YOUNG = date(2027, 6, 26)


@contextmanager
def refused(*fragments: str):
    """The block raises CaseRuleError with each fragment in its message, and changes nothing."""
    before = db_state()
    with pytest.raises(CaseRuleError) as info:
        yield info
    assert db_state() == before
    for fragment in fragments:
        assert fragment in str(info.value)


@pytest.fixture
def case(cast):
    child = ChildFactory(first_name="Sam", date_of_birth=BORN)
    return assessment_services.case_request_receive(
        **request_kwargs(cast, child=child, child_details=None)
    )


def consent(case, cast, *, given_by, given_on):
    return child_services.consent_record(
        child=case.child,
        case=case,
        purpose="STATUTORY_ASSESSMENT",
        agencies=[cast.health],
        given_by=given_by,
        given_by_name="Sam Quillfeather" if given_by == "YOUNG_PERSON" else "Morwenna Quillfeather",
        given_on=given_on,
        method="WRITTEN",
        by=cast.caseworker,
        today=given_on,
    )


def record(case, cast, *, kind="LACKS_CAPACITY", from_on=YOUNG, reason=None, today=None):
    return child_services.young_person_record(
        child=case.child,
        kind=kind,
        from_on=from_on,
        reason=reason
        or "Assessed by the college nurse on 26 June: cannot weigh the information about sharing",
        by=cast.caseworker,
        today=today or from_on,
    )


# -- who consents ------------------------------------------------------------------------------


def test_parent_consent_is_recorded_while_the_child_is_of_compulsory_school_age(case, cast):
    """CFA 2014 s.83(2): until the day after the school leaving date the parent is the party."""
    assert consent(case, cast, given_by="PARENT", given_on=STILL_A_CHILD).given_by == "PARENT"


def test_parent_consent_is_refused_for_a_young_person(case, cast):
    """CFA 2014 s.83(2): a young person consents for themselves (Mental Capacity Act 2005 s.1(2):
    capacity is presumed)."""
    with refused(
        "Sam has been a young person since 26 June 2027, so they give consent themselves",
        "or first record that they lack capacity to decide (Mental Capacity Act 2005)",
    ):
        consent(case, cast, given_by="PARENT", given_on=YOUNG)


def test_parent_consent_is_recorded_for_a_young_person_who_lacks_capacity(case, cast):
    """CFA 2014 s.80 and SEND Regulations 2014 regs 63-65: where a young person lacks capacity
    (Mental Capacity Act 2005 ss.2-3), their parent acts for them."""
    record(case, cast)

    given = consent(case, cast, given_by="PARENT", given_on=YOUNG)

    assert given.given_by == "PARENT"


def test_young_persons_own_consent_is_refused_while_a_lack_of_capacity_is_recorded(case, cast):
    """Mental Capacity Act 2005 ss.2-3: a recorded lack of capacity to decide means the young
    person's own signature is not their consent; the parent acts for them (CFA 2014 s.80)."""
    record(case, cast)

    with refused("Sam lacks capacity to make this decision (recorded on the case)"):
        consent(case, cast, given_by="YOUNG_PERSON", given_on=YOUNG)


def test_parent_consent_is_refused_again_once_capacity_is_regained(case, cast):
    """Mental Capacity Act 2005 s.2(1): capacity is judged at the time; once the record ends the
    young person consents again (CFA 2014 s.83(2))."""
    lacks = record(case, cast)
    child_services.young_person_record_end(
        record=lacks,
        ended_on=date(2027, 8, 1),
        reason="New capacity assessment by the college nurse",
        by=cast.caseworker,
        today=date(2027, 8, 1),
    )

    assert consent(case, cast, given_by="PARENT", given_on=date(2027, 7, 31))  # before the end
    with refused("so they give consent themselves"):
        consent(case, cast, given_by="PARENT", given_on=date(2027, 8, 1))


# -- who may request -------------------------------------------------------------------------------


def test_request_by_the_young_person_is_refused_before_they_are_one(cast):
    """CFA 2014 s.36(1) and s.83(2): a 16-year-old still of compulsory school age is not a young
    person, so cannot be recorded as making the request as one."""
    details = assessment_services.ChildDetails("Sam", "Quillfeather", date_of_birth=BORN)

    with refused(
        "Sam was not a young person when the request was received: they are one from 26 June 2027"
    ):
        assessment_services.case_request_receive(
            **request_kwargs(
                cast, child_details=details, requested_by="YOUNG_PERSON", requester_name="Sam"
            )
        )


def test_request_by_the_young_person_is_recorded_from_the_day_after_the_leaving_date(cast):
    """CFA 2014 s.36(1): the young person may ask for an assessment themselves."""
    details = assessment_services.ChildDetails("Sam", "Quillfeather", date_of_birth=BORN)

    case = assessment_services.case_request_receive(
        **request_kwargs(
            cast,
            received_on=YOUNG,
            child_details=details,
            requested_by="YOUNG_PERSON",
            requester_name="Sam Quillfeather",
        )
    )

    assert case.requested_by == "YOUNG_PERSON"


# -- recording a lack of capacity or the young person's agreement ---------------------------------


def test_lack_of_capacity_is_recorded_with_who_when_and_why(case, cast):
    """Mental Capacity Act 2005 ss.2-3 (the decision, who assessed it, how); CFA 2014 s.80."""
    lacks = record(case, cast)

    assert lacks.kind == "LACKS_CAPACITY" and lacks.from_on == YOUNG
    assert lacks.recorded_by == cast.caseworker
    history = lacks.history.get()
    assert history.history_change_reason == "Lack of capacity recorded (Mental Capacity Act 2005)"
    assert history.history_user == cast.caseworker


def test_young_persons_agreement_is_recorded(case, cast):
    """SEND Code of Practice 8.13-8.15: a young person may ask for their parent to be involved."""
    agreed = record(
        case,
        cast,
        kind="PARENT_INCLUDED",
        reason="Sam told me at the review meeting that Mum should get the letters too",
    )

    assert agreed.history.get().history_change_reason == (
        "Young person agreed their parent is sent the letters"
    )


def test_lack_of_capacity_is_refused_before_16(case, cast):
    """Mental Capacity Act 2005 s.2(5): the Act's powers are for people aged 16 and over."""
    with refused(
        "Sam was neither 16 nor a young person on that date",
        "this can be recorded from 10 January 2027",
    ):
        record(case, cast, from_on=date(2027, 1, 9), today=YOUNG)


def test_lack_of_capacity_is_recorded_from_16(case, cast):
    """Mental Capacity Act 2005 s.2(5): from the 16th birthday."""
    assert record(case, cast, from_on=date(2027, 1, 10)).from_on == date(2027, 1, 10)


def test_record_is_refused_with_a_date_in_the_future(case, cast):
    with refused("The date of the assessment or agreement must be today or in the past"):
        record(case, cast, from_on=YOUNG, today=STILL_A_CHILD)


def test_record_is_refused_without_the_reasons(case, cast):
    """Mental Capacity Act 2005 ss.2-3: a lack of capacity is a finding, with who and how."""
    with refused("Explain who assessed capacity, for which decisions and how"):
        record(case, cast, reason="   lacks capacity   ")


def test_record_is_refused_when_the_same_is_already_recorded(case, cast):
    record(case, cast)

    with refused("This is already recorded for Sam: end the current record first"):
        record(case, cast, from_on=date(2027, 7, 1))


def test_record_is_refused_when_the_kind_is_unknown(case, cast):
    with refused("Select what you are recording"):
        record(case, cast, kind="GUARDIAN")


def test_ending_a_record_keeps_it_with_who_and_why(case, cast):
    """Mental Capacity Act 2005 s.2(1): capacity is judged at the time, so it can be regained."""
    lacks = record(case, cast)

    child_services.young_person_record_end(
        record=lacks,
        ended_on=date(2027, 8, 1),
        reason="New capacity assessment by the college nurse",
        by=cast.manager,
        today=date(2027, 8, 2),
    )

    lacks.refresh_from_db()
    assert lacks.ended_on == date(2027, 8, 1) and lacks.ended_by == cast.manager
    assert lacks.history.first().history_change_reason == "Lack of capacity ended"
    assert YoungPersonRecord.objects.count() == 1


@pytest.mark.parametrize(
    ("ended_on", "reason", "message"),
    [
        (date(2027, 6, 25), "New assessment", "The date it ended must be on or after 26 June 2027"),
        (date(2027, 8, 3), "New assessment", "The date it ended must be today or in the past"),
        (date(2027, 8, 1), "  ", "Enter why it has ended, and who decided"),
    ],
)
def test_ending_a_record_is_refused_with_bad_input(case, cast, ended_on, reason, message):
    lacks = record(case, cast)

    with refused(message):
        child_services.young_person_record_end(
            record=lacks,
            ended_on=ended_on,
            reason=reason,
            by=cast.caseworker,
            today=date(2027, 8, 2),
        )


def test_ending_a_record_twice_is_refused(case, cast):
    lacks = record(case, cast)
    end = dict(ended_on=date(2027, 8, 1), reason="Regained", by=cast.caseworker)
    child_services.young_person_record_end(record=lacks, today=date(2027, 8, 1), **end)

    with refused("This has already been ended"):
        child_services.young_person_record_end(record=lacks, today=date(2027, 8, 1), **end)


def test_the_case_received_date_does_not_decide_who_consents(cast):
    """CFA 2014 s.83(2): who consents turns on the day consent is given, not on the request."""
    child = ChildFactory(first_name="Sam", date_of_birth=BORN)
    case = assessment_services.case_request_receive(
        **request_kwargs(cast, child=child, child_details=None, received_on=RECEIVED)
    )

    consent(case, cast, given_by="PARENT", given_on=STILL_A_CHILD)
    consent(case, cast, given_by="YOUNG_PERSON", given_on=YOUNG)

    assert list(ConsentRecord.objects.values_list("given_by", flat=True)) == [
        "YOUNG_PERSON",
        "PARENT",
    ]


# -- a parent's request for a young person (rule YP-REQUESTER) -------------------------------------


def test_parents_request_for_a_young_person_is_refused(cast):
    """CFA 2014 s.36(1) and s.83(2): from the day after the school leaving date the request is the
    young person's to make; one recorded as their parent's is refused, and nothing is recorded."""
    details = assessment_services.ChildDetails("Sam", "Quillfeather", date_of_birth=BORN)

    with refused(
        "Sam was a young person when the request was received (from 26 June 2027",
        "record it as made by the young person",
    ):
        assessment_services.case_request_receive(
            **request_kwargs(cast, received_on=YOUNG, child_details=details, requested_by="PARENT")
        )


def test_parents_request_is_recorded_on_the_last_day_of_compulsory_school_age(cast):
    details = assessment_services.ChildDetails("Sam", "Quillfeather", date_of_birth=BORN)

    case = assessment_services.case_request_receive(
        **request_kwargs(cast, received_on=STILL_A_CHILD, child_details=details)
    )

    assert case.requested_by == "PARENT"


def test_parents_request_is_recorded_for_a_young_person_who_lacks_capacity(cast):
    """MCA 2005; CFA 2014 s.80 and SEND Regs 2014 reg 64: with a lack of capacity to decide
    recorded for the young person on the day the request is received, their parent acts for them
    and may make the request."""
    child = ChildFactory(first_name="Sam", date_of_birth=BORN)
    child_services.young_person_record(
        child=child,
        kind="LACKS_CAPACITY",
        from_on=YOUNG,
        reason="Assessed by the college nurse on 26 June: cannot weigh the information",
        by=cast.caseworker,
        today=YOUNG,
    )
    later = date(2027, 7, 1)

    case = assessment_services.case_request_receive(
        **request_kwargs(cast, received_on=later, child=child, child_details=None)
    )

    assert case.requested_by == "PARENT"


def test_parents_request_is_refused_when_capacity_is_recorded_only_later(cast):
    child = ChildFactory(first_name="Sam", date_of_birth=BORN)
    child_services.young_person_record(
        child=child,
        kind="LACKS_CAPACITY",
        from_on=date(2027, 7, 2),
        reason="Assessed by the college nurse on 2 July: cannot weigh the information",
        by=cast.caseworker,
        today=date(2027, 7, 2),
    )

    with refused("Sam was a young person when the request was received"):
        assessment_services.case_request_receive(
            **request_kwargs(
                cast,
                received_on=date(2027, 7, 1),
                child=child,
                child_details=None,
                today=date(2027, 7, 2),
            )
        )


# -- the consent gate once the child is a young person (rule YP-CONSENT-GATE) ----------------------


def decide(case, cast, on):
    return assessment_services.case_assessment_decide(
        case=case,
        assess=True,
        decided_on=on,
        advice=[assessment_services.AdviceToSeek("HEALTH", cast.health)],
        by=cast.caseworker,
        today=on,
    )


def test_parents_consent_opens_the_gate_on_the_last_friday_in_june(case, cast):
    """Up to the school leaving date the child's parent consents (CFA 2014 s.83(2))."""
    consent(case, cast, given_by="PARENT", given_on=date(2027, 6, 1))

    assert decide(case, cast, STILL_A_CHILD).status == "ASSESSING"


def test_parents_consent_for_a_child_no_longer_opens_the_gate_for_a_young_person(case, cast):
    """CFA 2014 s.83(2): from the day after the school leaving date the decisions are the young
    person's; a consent their parent gave while they were a child does not let advice be asked for
    after that day. The refusal says why, and nothing changes."""
    consent(case, cast, given_by="PARENT", given_on=date(2027, 6, 1))

    with refused(
        "Sam became a young person on 26 June 2027: confirm consent with them",
        "Record consent for an EHC needs assessment from Sam before you request advice",
    ):
        decide(case, cast, date(2027, 6, 28))


def test_young_persons_own_consent_opens_the_gate(case, cast):
    consent(case, cast, given_by="PARENT", given_on=date(2027, 6, 1))
    consent(case, cast, given_by="YOUNG_PERSON", given_on=date(2027, 6, 28))

    assert decide(case, cast, date(2027, 6, 28)).status == "ASSESSING"


def test_parents_earlier_consent_opens_the_gate_while_a_lack_of_capacity_is_recorded(case, cast):
    """MCA 2005; CFA 2014 s.80 and SEND Regs 2014 reg 64: the parent acts for a young person who
    lacks capacity to decide, so the consent they gave stands."""
    consent(case, cast, given_by="PARENT", given_on=date(2027, 6, 1))
    record(case, cast, from_on=date(2027, 6, 28))

    assert decide(case, cast, date(2027, 6, 28)).status == "ASSESSING"
