"""NOTICE-PARTNERS: the notices the council owes its partners about a request.

SEND Regulations 2014, reg 4(2): while considering whether to assess, tell (a) the responsible
commissioning body, (b) social care, (c) for a child, the head teacher of their school or the
SEN person at their early years provider, (d) for a young person, the head teacher of their
school or the principal of their post-16 institution. Reg 5(2): tell the same people of the
decision whether to assess. Reg 10(2): tell the commissioning body and the person told under
4(2)(c) or (d) of a decision not to issue a plan. No database.
"""

from datetime import date

import pytest

from ehcp.assessments.rules.notices import (
    NoticeFacts,
    Recipient,
    Regulation,
    SentNotice,
    education_recipients,
    late_notice_warnings,
    notice_errors,
    notices_due,
    notices_owed,
)

RECEIVED = date(2026, 9, 7)
CHILD = date(2015, 3, 4)  # 11 on the request: a child
# Born 1 September 2009: compulsory school age ends on Friday 26 June 2026, so a young person
# from Saturday 27 June 2026.
YOUNG_PERSON = date(2009, 9, 1)

H, S = Recipient.HEALTH, Recipient.SOCIAL_CARE
HT, EY, PR = Recipient.HEAD_TEACHER, Recipient.EARLY_YEARS, Recipient.PRINCIPAL
R4, R5, R10 = Regulation.REG_4_2, Regulation.REG_5_2, Regulation.REG_10_2


def facts(**kwargs) -> NoticeFacts:
    base = dict(request_received_on=RECEIVED, date_of_birth=CHILD, has_setting=True)
    base.update(kwargs)
    if "sent" in base:
        base["sent"] = tuple(SentNotice(*s) for s in base["sent"])
    return NoticeFacts(**base)


def keys(rows) -> list[tuple[str, str]]:
    return [(row.regulation, row.recipient) for row in rows]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        pytest.param({}, [(R4, H), (R4, S), (R4, "EDUCATION")], id="request-received"),
        pytest.param(
            {"has_setting": False}, [(R4, H), (R4, S)], id="no-setting-no-education-notice"
        ),
        pytest.param(
            {"assessment_decided_on": date(2026, 10, 1)},
            [(R4, H), (R4, S), (R4, "EDUCATION"), (R5, H), (R5, S), (R5, "EDUCATION")],
            id="decided-5-2-to-everyone-owed-4-2",
        ),
        pytest.param(
            {"assessment_decided_on": date(2026, 10, 1), "not_to_issue_on": date(2026, 12, 1)},
            [
                (R4, H),
                (R4, S),
                (R4, "EDUCATION"),
                (R5, H),
                (R5, S),
                (R5, "EDUCATION"),
                (R10, H),
                (R10, "EDUCATION"),
            ],
            id="not-issuing-10-2-to-health-and-setting-only",
        ),
        pytest.param(
            {"has_setting": False, "sent": [(R4, EY, date(2026, 9, 8))]},
            [(R4, H), (R4, S), (R4, "EDUCATION")],
            id="an-education-notice-recorded-makes-one-owed",
        ),
    ],
)
def test_NOTICE_PARTNERS_owed_at_each_stage(kwargs, expected):
    """Reg 4(2) from the request; reg 5(2) once the decision is made; reg 10(2) on not issuing."""
    assert keys(notices_owed(facts(**kwargs))) == expected


@pytest.mark.parametrize(
    ("dob", "on", "expected"),
    [
        pytest.param(CHILD, RECEIVED, (HT, EY), id="child-4-2-c"),
        pytest.param(YOUNG_PERSON, date(2026, 6, 26), (HT, EY), id="last-day-of-school-age"),
        pytest.param(YOUNG_PERSON, date(2026, 6, 27), (HT, PR), id="first-day-young-person"),
        pytest.param(date(2002, 1, 1), RECEIVED, (HT, PR), id="young-person-4-2-d"),
    ],
)
def test_NOTICE_PARTNERS_education_limb_follows_who_the_party_is(dob, on, expected):
    """Reg 4(2)(c) for a child, (d) for a young person (over compulsory school age on the day
    the request was received)."""
    assert education_recipients(facts(date_of_birth=dob, request_received_on=on)) == expected


def test_NOTICE_PARTNERS_limbs_are_cited():
    child = notices_owed(facts())
    young = notices_owed(facts(date_of_birth=YOUNG_PERSON))
    assert [row.limb for row in child] == ["4(2)(a)", "4(2)(b)", "4(2)(c)"]
    assert [row.limb for row in young] == ["4(2)(a)", "4(2)(b)", "4(2)(d)"]
    told = facts(sent=[(R4, EY, date(2026, 9, 8))], assessment_decided_on=date(2026, 10, 1))
    assert [row.limb for row in notices_owed(told)][-1] == "4(2)(c)(ii)"


def test_NOTICE_PARTNERS_due_lists_only_what_is_not_sent():
    sent = [(R4, H, date(2026, 9, 8)), (R4, HT, date(2026, 9, 9))]
    assert keys(notices_due(facts(sent=sent))) == [(R4, S)]
    every = [*sent, (R4, S, date(2026, 9, 8))]
    assert notices_due(facts(sent=every)) == []


def test_NOTICE_PARTNERS_a_4_2_notice_does_not_count_as_5_2():
    """Reg 5(2) is a second notice: of the decision."""
    sent = [(R4, H, date(2026, 9, 8)), (R4, S, date(2026, 9, 8)), (R4, HT, date(2026, 9, 8))]
    due = notices_due(facts(sent=sent, assessment_decided_on=date(2026, 10, 1)))
    assert keys(due) == [(R5, H), (R5, S), (R5, "EDUCATION")]


def test_NOTICE_PARTNERS_5_2_goes_to_the_education_recipient_told_under_4_2():
    """Reg 5(2): "the persons who were notified in accordance with regulation 4(2)"."""
    sent = [(R4, EY, date(2026, 9, 8))]
    owed = notices_owed(facts(sent=sent, assessment_decided_on=date(2026, 10, 1)))
    five = [row for row in owed if row.regulation == R5 and row.recipient == "EDUCATION"]
    assert five[0].accepts == (EY,)
    # A 5(2) notice to the head teacher does not meet it: it was the early years provider.
    sent.append((R5, HT, date(2026, 10, 2)))
    assert (R5, "EDUCATION") in keys(
        notices_due(facts(sent=sent, assessment_decided_on=date(2026, 10, 1)))
    )


def test_NOTICE_PARTNERS_10_2_is_not_owed_to_social_care():
    owed = notices_owed(
        facts(assessment_decided_on=date(2026, 10, 1), not_to_issue_on=date(2026, 12, 1))
    )
    assert (R10, S) not in keys(owed)


def test_NOTICE_PARTNERS_earliest_sent_date_is_shown():
    sent = [(R4, H, date(2026, 9, 10)), (R4, H, date(2026, 9, 8))]
    assert notices_owed(facts(sent=sent))[0].sent_on == date(2026, 9, 8)


@pytest.mark.parametrize(
    ("sent", "decided", "count", "words"),
    [
        pytest.param([], None, 0, None, id="no-decision-no-warning"),
        pytest.param([], date(2026, 10, 1), 3, "without telling", id="decided-none-told"),
        pytest.param(
            [(R4, H, date(2026, 10, 2)), (R4, S, date(2026, 9, 8)), (R4, HT, date(2026, 9, 8))],
            date(2026, 10, 1),
            1,
            "before the responsible commissioning body (health) was told",
            id="told-after-the-decision",
        ),
        pytest.param(
            [(R4, H, date(2026, 10, 1)), (R4, S, date(2026, 9, 8)), (R4, HT, date(2026, 9, 8))],
            date(2026, 10, 1),
            0,
            None,
            id="told-on-the-day-of-the-decision",
        ),
    ],
)
def test_NOTICE_PARTNERS_warns_when_the_decision_came_before_the_4_2_notice(
    sent, decided, count, words
):
    """Reg 4(2): the partners are told "while considering": before the decision."""
    warnings = late_notice_warnings(facts(sent=sent, assessment_decided_on=decided))
    assert len(warnings) == count
    if words:
        assert words in warnings[0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"regulation": "9(9)"}, "Select what the notice is about", id="regulation"),
        pytest.param({"recipients": []}, "Select who was told", id="nobody"),
        pytest.param(
            {"regulation": R5}, "The decision whether to assess has not been made", id="5-2-early"
        ),
        pytest.param({"regulation": R10}, "has not decided not to issue a plan", id="10-2-early"),
        pytest.param(
            {"recipients": [PR]},
            "Reg 4(2) does not name the principal",
            id="principal-for-a-child",
        ),
        pytest.param(
            {"recipients": [HT, EY]}, "Select one person for the child's school", id="two-settings"
        ),
        pytest.param({"sent_on": None}, "Enter the date the notice was sent", id="no-date"),
        pytest.param({"sent_on": date(2026, 11, 1)}, "must be today or in the past", id="future"),
        pytest.param(
            {"sent_on": date(2026, 9, 6)}, "must be on or after 7 September 2026", id="before"
        ),
    ],
)
def test_NOTICE_PARTNERS_refuses_a_notice_the_rules_do_not_allow(kwargs, message):
    args = dict(regulation=R4, recipients=[H], sent_on=date(2026, 9, 8), today=date(2026, 10, 1))
    args.update(kwargs)
    errors = notice_errors(facts(), **args)
    assert any(message in error for error in errors), errors


def test_NOTICE_PARTNERS_10_2_is_refused_for_social_care_and_5_2_before_the_decision_date():
    decided = facts(assessment_decided_on=date(2026, 10, 1), not_to_issue_on=date(2026, 12, 1))
    today = date(2026, 12, 5)
    assert notice_errors(decided, regulation=R10, recipients=[S], sent_on=today, today=today)
    early = notice_errors(
        decided, regulation=R5, recipients=[H], sent_on=date(2026, 9, 30), today=today
    )
    assert early == ["The date the notice was sent must be on or after 1 October 2026"]
    assert not notice_errors(
        decided, regulation=R10, recipients=[H, HT], sent_on=today, today=today
    )
