"""The young person through the pages: the request, consent, a lack of capacity or the young
person's agreement, the case page's notice when a child becomes a young person during an
assessment, and who may appeal. Each form is posted with only the fields its page shows.

Sam is born 10 January 2011: 16 on 10 January 2027, of compulsory school age until the last Friday
in June 2027 (the 25th), a young person from Saturday 26 June 2027 (Children and Families Act
2014, s.83(2); Education Act 1996, s.8).
"""

from datetime import date

import pytest
import time_machine

from ehcp.assessments.models import Assessment, AssessmentStatus
from ehcp.children.models import ConsentRecord, YoungPersonRecord
from tests.test_forms_rendered import drawn_names
from tests.workflows.test_task_views import as_user, d, open_task, people  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

BORN = date(2011, 1, 10)


def post_shown(client, url: str, data: dict):
    """Post `data` to the form at `url`, having checked that the page shows every field posted."""
    page = client.get(url)
    assert page.status_code == 200, url
    missing = set(data) - drawn_names(page.content.decode())
    assert not missing, f"posted fields the page does not show: {missing}"
    return client.post(url, data)


def request_sam(client, people, *, received: date, requested_by="PARENT"):  # noqa: F811
    return post_shown(
        as_user(client, people["caseworker"]),
        "/tasks/new-request/",
        {
            "first_name": "Sam",
            "last_name": "Lovelace",
            **d(BORN, "date_of_birth"),
            "current_setting": people["school"].name,
            "parent_name": "Annabella Lovelace",
            "parent_relationship": "mother",
            "requested_by": requested_by,
            "requester_name": "Sam Lovelace" if requested_by == "YOUNG_PERSON" else "Annabella",
            **d(received, "received_on"),
            "reasons": "Reading and attention",
            "caseworker": people["caseworker"].pk,
        },
    )


def consent_from(client, people, case, *, given_by: str, on: date):  # noqa: F811
    return post_shown(
        client,
        f"/cases/{case.public_id}/consent/new/",
        {
            "purpose": "STATUTORY_ASSESSMENT",
            "agencies": [people["health_agency"].pk],
            "given_by": given_by,
            "given_by_name": "Sam Lovelace" if given_by == "YOUNG_PERSON" else "Annabella Lovelace",
            **d(on, "given_on"),
            "method": "WRITTEN",
        },
    )


def case_page(client, case) -> str:
    return " ".join(client.get(f"/cases/{case.public_id}/").content.decode().split())


@pytest.fixture
def sams_case(client, people):  # noqa: F811
    """A parent's request for Sam, received on 1 June 2027 with the parent's consent."""
    with time_machine.travel(date(2027, 6, 1)):
        response = request_sam(client, people, received=date(2027, 6, 1))
        assert response.status_code == 302, response.content.decode()[:2000]
        case = Assessment.objects.get(child__first_name="Sam")
        assert (
            consent_from(client, people, case, given_by="PARENT", on=date(2027, 6, 1)).status_code
            == 302
        )
    return case


# -- the request ---------------------------------------------------------------------------------


@time_machine.travel(date(2027, 3, 10))
def test_request_page_refuses_a_young_persons_request_from_a_16_year_old_still_at_school(
    client,
    people,  # noqa: F811
):
    """CFA 2014 s.36(1) and s.83(2): a request recorded as the young person's must be made by a
    young person, who is one from the day after the last Friday in June of the year they turn 16."""
    response = request_sam(client, people, received=date(2027, 3, 8), requested_by="YOUNG_PERSON")

    page = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert (
        "Sam was not a young person when the request was received: they are one from 26 June 2027"
        in page
    )
    assert "A young person is over compulsory school age" in page  # the hint beside the choice
    assert not Assessment.objects.exists()


@time_machine.travel(date(2027, 6, 28))
def test_request_page_records_a_young_persons_own_request(client, people):  # noqa: F811
    """CFA 2014 s.36(1): the young person may ask for an assessment themselves."""
    response = request_sam(client, people, received=date(2027, 6, 28), requested_by="YOUNG_PERSON")

    assert response.status_code == 302
    assert Assessment.objects.get().requested_by == "YOUNG_PERSON"


@time_machine.travel(date(2027, 6, 28))
def test_request_page_refuses_a_parents_request_for_a_young_person_on_the_field(
    client,
    people,  # noqa: F811
):
    """CFA 2014 s.36(1) and s.83(2): from the day after the school leaving date the request is the
    young person's; one recorded as their parent's is refused with the error on "Who made the
    request?" (YP-REQUESTER), and nothing is recorded."""
    response = request_sam(client, people, received=date(2027, 6, 28), requested_by="PARENT")

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["requested_by"]
    assert errors["requested_by"][0].startswith(
        "Sam was a young person when the request was received (from 26 June 2027"
    )
    page = " ".join(response.content.decode().split())
    assert "record it as made by the young person" in page
    assert not Assessment.objects.exists()


@time_machine.travel(date(2027, 6, 28))
def test_request_page_records_a_parents_request_received_on_the_last_friday_in_june(
    client,
    people,  # noqa: F811
):
    """The school leaving date itself (Friday 25 June 2027) is still compulsory school age."""
    response = request_sam(client, people, received=date(2027, 6, 25), requested_by="PARENT")

    assert response.status_code == 302
    assert Assessment.objects.get().requested_by == "PARENT"


# -- becoming a young person during the assessment --------------------------------------------------


def test_case_page_asks_to_confirm_consent_with_a_child_who_becomes_a_young_person(
    client,
    people,  # noqa: F811
    sams_case,
):
    """CFA 2014 s.83(2): on the day after the school leaving date the decisions pass to the young
    person, even during an assessment; the case says so until consent is confirmed with them."""
    with time_machine.travel(date(2027, 6, 25)):
        as_user(client, people["caseworker"])  # a session ends with time
        page = case_page(client, sams_case)
        assert "Sam becomes a young person on 26 June 2027" in page
        assert "Letters sent today go to Sam's parents and carers." in page
        assert 'id="young-person-notice"' not in page

    with time_machine.travel(date(2027, 6, 28)):
        as_user(client, people["caseworker"])  # a session ends with time
        page = case_page(client, sams_case)
        assert 'id="young-person-notice"' in page
        assert "Sam became a young person on 26 June 2027, during this assessment." in page
        assert "Confirm consent with Sam and record it" in page
        assert "Letters sent today go to Sam only." in page

        refused = consent_from(client, people, sams_case, given_by="PARENT", on=date(2027, 6, 28))
        refused_page = " ".join(refused.content.decode().split())
        assert (
            "Sam has been a young person since 26 June 2027, so they give consent themselves"
            in (refused_page)
        )
        assert "Sam is a young person from 26 June 2027" in refused_page  # the hint
        assert ConsentRecord.objects.count() == 1

        confirmed = consent_from(
            client, people, sams_case, given_by="YOUNG_PERSON", on=date(2027, 6, 28)
        )
        assert confirmed.status_code == 302
        page = case_page(client, sams_case)
        assert 'id="young-person-notice"' not in page
        assert "Sam has been a young person since 26 June 2027" in page


def test_a_lack_of_capacity_recorded_on_the_page_lets_the_parent_consent(
    client,
    people,  # noqa: F811
    sams_case,
):
    """CFA 2014 s.80; SEND Regulations 2014 regs 63-65; Mental Capacity Act 2005 ss.2-3: where a
    young person lacks capacity their parent acts for them, gives consent and is sent the letters."""
    url = f"/cases/{sams_case.public_id}/young-person/new/"
    with time_machine.travel(date(2027, 6, 28)):
        as_user(client, people["caseworker"])  # a session ends with time
        assert "Record capacity or agreement" in case_page(client, sams_case)
        empty = " ".join(post_shown(client, url, {}).content.decode().split())
        assert "Select what you are recording" in empty
        assert "Enter who assessed capacity, or how the young person told you" in empty
        assert not YoungPersonRecord.objects.exists()

        response = post_shown(
            client,
            url,
            {
                "kind": "LACKS_CAPACITY",
                **d(date(2027, 6, 27), "from_on"),
                "reason": "Assessed by the college nurse: Sam cannot weigh information about sharing",
            },
        )
        assert response.status_code == 302
        lacks = YoungPersonRecord.objects.get()
        assert lacks.recorded_by == people["caseworker"] and lacks.from_on == date(2027, 6, 27)
        page = case_page(client, sams_case)
        assert "Lacks capacity to make decisions about their assessment and plan" in page
        assert (
            "Letters sent today go to Sam, and to their parents and carers, who act for them."
            in page
        )
        assert "or record that they lack capacity to decide" not in page  # already recorded

        accepted = consent_from(client, people, sams_case, given_by="PARENT", on=date(2027, 6, 28))
        assert accepted.status_code == 302
        assert 'id="young-person-notice"' not in case_page(client, sams_case)


def test_the_young_persons_agreement_is_recorded_and_ended_on_the_page(
    client,
    people,  # noqa: F811
    sams_case,
):
    """SEND Code of Practice 8.13-8.15: the young person may agree that their parent is sent the
    letters too, and may change their mind."""
    with time_machine.travel(date(2027, 7, 5)):
        as_user(client, people["caseworker"])  # a session ends with time
        post_shown(
            client,
            f"/cases/{sams_case.public_id}/young-person/new/",
            {
                "kind": "PARENT_INCLUDED",
                **d(date(2027, 7, 1), "from_on"),
                "reason": "Sam told me on the phone that Mum should get the letters too",
            },
        )
        agreed = YoungPersonRecord.objects.get()
        page = case_page(client, sams_case)
        assert (
            "Letters sent today go to Sam, and to their parents and carers as Sam agreed." in page
        )

        end_url = f"/cases/{sams_case.public_id}/young-person/{agreed.public_id}/end/"
        assert end_url in client.get(f"/cases/{sams_case.public_id}/").content.decode()
        too_early = post_shown(
            client,
            end_url,
            {**d(date(2027, 6, 30), "ended_on"), "reason": "Sam changed their mind"},
        )
        assert "The date it ended must be on or after 1 July 2027" in too_early.content.decode()
        ended = post_shown(
            client,
            end_url,
            {**d(date(2027, 7, 5), "ended_on"), "reason": "Sam changed their mind"},
        )
        assert ended.status_code == 302
        agreed.refresh_from_db()
        assert agreed.ended_on == date(2027, 7, 5) and agreed.ended_by == people["caseworker"]
        assert "Letters sent today go to Sam only." in case_page(client, sams_case)


def test_partners_on_the_case_do_not_see_the_young_person_records(
    client,
    people,  # noqa: F811
    sams_case,
):
    """UK GDPR Art 5(1)(c) and Art 9: a capacity finding is the council's record, like consent; a
    partner asked for advice sees the case, not it."""
    with time_machine.travel(date(2027, 6, 28)):
        as_user(client, people["caseworker"])  # a session ends with time
        post_shown(
            client,
            f"/cases/{sams_case.public_id}/young-person/new/",
            {
                "kind": "LACKS_CAPACITY",
                **d(date(2027, 6, 27), "from_on"),
                "reason": "Assessed by the college nurse: Sam cannot weigh information about sharing",
            },
        )
        task = open_task(sams_case, "decide_to_assess")
        decided = post_shown(
            client,
            f"/tasks/{task.public_id}/",
            {
                "decision": "yes",
                **d(date(2027, 6, 28), "decided_on"),
                "advice_health": people["health_agency"].pk,
            },
        )
        assert decided.status_code == 302, decided.content.decode()[:3000]

        as_user(client, people["health"])
        page = client.get(f"/cases/{sams_case.public_id}/").content.decode()
        assert "Sam" in page
        for council_only in ("young-person-notice", "Letters sent today", "Lacks capacity"):
            assert council_only not in page
        new_record = client.get(f"/cases/{sams_case.public_id}/young-person/new/")
        assert new_record.status_code == 403


# -- who may appeal --------------------------------------------------------------------------------


def test_the_case_page_says_the_young_person_may_appeal_a_refusal(client, people, sams_case):  # noqa: F811
    """CFA 2014 s.51 and s.83(2): the young person appeals against the refusal to assess."""
    with time_machine.travel(date(2027, 6, 28)):
        as_user(client, people["caseworker"])  # a session ends with time
        task = open_task(sams_case, "decide_to_assess")
        response = post_shown(
            client,
            f"/tasks/{task.public_id}/",
            {
                "decision": "no",
                **d(date(2027, 6, 28), "decided_on"),
                "reasons": "Needs met at SEN support",
                "letter_sent_how": "EMAIL",
            },
        )
        assert response.status_code == 302
        sams_case.refresh_from_db()
        assert sams_case.status == AssessmentStatus.REFUSED
        page = case_page(client, sams_case)
        assert "Sam, as a young person, can appeal to the First-tier Tribunal (SEND)" in page
        assert 'id="young-person-notice"' not in page  # the assessment is over
