"""Notices to partners (SEND Regulations 2014, regs 4(2), 5(2), 10(2)): the service, the page
and the case section."""

from datetime import date, timedelta

import pytest
import time_machine

from ehcp.assessments.models import StatutoryNotice
from ehcp.assessments.rules.notices import Recipient, Regulation
from ehcp.assessments.selectors import case_notices
from ehcp.assessments.services.assessment import ChildDetails
from ehcp.assessments.services.notices import NoticeTo, notice_record
from ehcp.common.services import CaseRuleError
from ehcp.governance.models import AppendOnlyError, Disclosure
from tests.ehcp.assessments.test_views import errors_of, post_drawn
from tests.factories import db_state
from tests.workflows.test_task_views import as_user, d, people, record_request  # noqa: F401

pytestmark = pytest.mark.django_db

H, S, HT = Recipient.HEALTH, Recipient.SOCIAL_CARE, Recipient.HEAD_TEACHER


def received(walk):
    case = walk.receive(
        child_details=ChildDetails(
            first_name="Zephyrine",
            last_name="Quillfeather",
            date_of_birth=date(2018, 5, 14),
            current_setting=walk.cast.school,
        )
    )
    return case, walk.when.received_on


def test_reg_4_2_notices_are_recorded_with_a_disclosure_to_each_agency(walk, cast):
    case, on = received(walk)
    notices = notice_record(
        case=case,
        regulation=Regulation.REG_4_2,
        recipients=[
            NoticeTo(H, cast.health),
            NoticeTo(S, cast.social_care),
            NoticeTo(HT, None, "Head teacher, St Elsewhere Primary"),
        ],
        sent_on=on,
        method="EMAIL",
        by=cast.caseworker,
        today=on,
    )
    assert [n.recipient_name for n in notices] == [
        cast.health.name,
        cast.social_care.name,
        "Head teacher, St Elsewhere Primary",
    ]
    # The two agencies in the system were told who the child is: name and date of birth only,
    # under the council's statutory duty (reg 4(2)), not on consent.
    shares = list(Disclosure.objects.filter(case=case).order_by("pk"))
    assert [s.recipient for s in shares] == [cast.health, cast.social_care]
    for share in shares:
        assert share.fields == ["first_name", "last_name", "date_of_birth"]
        assert share.data_types == ["IDENTITY"]
        assert "reg 4(2)" in share.statutory_power
        assert share.consent is None and "reg 4(2)" in share.justification
        assert share.channel == "SECURE_EMAIL"
    assert notices[0].disclosure == shares[0] and notices[2].disclosure is None
    summary = case_notices(case)
    assert summary.due == [] and summary.warnings == []


def test_a_refused_recipient_records_nothing(walk, cast):
    """All or nothing: the school is no longer active, so even the valid health notice (and its
    disclosure) is not written."""
    case, on = received(walk)
    cast.school.is_active = False
    cast.school.save()
    before = db_state()
    with pytest.raises(CaseRuleError, match="no longer a party"):
        notice_record(
            case=case,
            regulation=Regulation.REG_4_2,
            recipients=[NoticeTo(H, cast.health), NoticeTo(HT, cast.school)],
            sent_on=on,
            method="POST",
            by=cast.caseworker,
            today=on,
        )
    assert db_state() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param({"recipients": [NoticeTo(H, None, "")]}, "Enter the name of", id="no-name"),
        pytest.param({"method": "PIGEON"}, "Select how the notice was sent", id="method"),
        pytest.param({"regulation": "5(2)"}, "has not been made yet", id="5-2-too-early"),
        pytest.param({"sent_on": None}, "Enter the date the notice was sent", id="no-date"),
    ],
)
def test_bad_input_changes_nothing(walk, cast, change, message):
    case, on = received(walk)
    args = dict(
        case=case,
        regulation="4(2)",
        recipients=[NoticeTo(H, cast.health)],
        sent_on=on,
        method="EMAIL",
        by=cast.caseworker,
        today=on,
    )
    args.update(change)
    before = db_state()
    with pytest.raises(CaseRuleError) as error:
        notice_record(**args)
    assert any(message in m for m in error.value.messages), error.value.messages
    assert db_state() == before


def test_an_agency_of_the_wrong_kind_is_refused(walk, cast):
    case, on = received(walk)
    with pytest.raises(CaseRuleError, match="cannot receive the notice"):
        notice_record(
            case=case,
            regulation="4(2)",
            recipients=[NoticeTo(H, cast.school)],
            sent_on=on,
            method="EMAIL",
            by=cast.caseworker,
            today=on,
        )


@pytest.mark.parametrize("who", ["senco", "health_adviser", "outsider"])
def test_only_the_councils_officers_record_notices(walk, cast, who):
    case, on = received(walk)
    with pytest.raises(CaseRuleError, match="Only the council's SEN team"):
        notice_record(
            case=case,
            regulation="4(2)",
            recipients=[NoticeTo(H, cast.health)],
            sent_on=on,
            method="EMAIL",
            by=getattr(cast, who),
            today=on,
        )
    assert not StatutoryNotice.objects.exists()


def test_a_notice_is_never_changed_and_a_correction_replaces_it(walk, cast):
    case, on = received(walk)
    (wrong,) = notice_record(
        case=case,
        regulation="4(2)",
        recipients=[NoticeTo(S, cast.social_care)],
        sent_on=on,
        method="POST",
        by=cast.caseworker,
        today=on + timedelta(days=3),
    )
    wrong.method = "EMAIL"
    with pytest.raises(AppendOnlyError):
        wrong.save()
    with pytest.raises(CaseRuleError, match="why the notice is being corrected"):
        notice_record(
            case=case,
            regulation="4(2)",
            recipients=[NoticeTo(H, cast.health)],
            sent_on=on,
            method="EMAIL",
            by=cast.caseworker,
            today=on + timedelta(days=3),
            corrects=wrong,
        )
    notice_record(
        case=case,
        regulation="4(2)",
        recipients=[NoticeTo(H, cast.health)],
        sent_on=on,
        method="EMAIL",
        by=cast.caseworker,
        today=on + timedelta(days=3),
        corrects=wrong,
        correction_reason="It went to the health body, not social care",
    )
    summary = case_notices(case)
    assert wrong.pk in summary.corrected_ids
    assert [(row.regulation, row.recipient) for row in summary.due] == [
        ("4(2)", "SOCIAL_CARE"),
        ("4(2)", "EDUCATION"),
    ]


def test_reg_5_2_is_owed_once_the_decision_is_made_and_late_4_2_is_warned(case_at):
    case = case_at("ASSESSING")
    summary = case_notices(case)
    assert {row.regulation for row in summary.due} == {"4(2)", "5(2)"}
    assert summary.warnings and "without telling" in summary.warnings[0]


# -- the page ------------------------------------------------------------------------------------


@time_machine.travel(date(2026, 9, 9))
def test_caseworker_records_notices_on_the_page(client, people):  # noqa: F811
    case = record_request(client, people)
    page = client.get(f"/cases/{case.public_id}/").content.decode()
    assert "Notices to partners" in page and "Not sent yet" in page
    url = f"/cases/{case.public_id}/notices/new/"
    form = client.get(url).content.decode()
    # The child's school is prefilled.
    assert f'name="education_agency" value="{people["school"].name}"' in form

    empty = post_drawn(client, url, {"regulation": "4(2)"})
    assert "Select who was told" in errors_of(empty)
    assert not StatutoryNotice.objects.exists()

    response = post_drawn(
        client,
        url,
        {
            "regulation": "4(2)",
            "recipients": ["HEALTH", "SOCIAL_CARE", "HEAD_TEACHER"],
            "health_agency": people["health_agency"].pk,
            "social_care_name": "Hilltown Children's Services",
            "education_agency": people["school"].name,
            **d(date(2026, 9, 8), "sent_on"),
            "method": "EMAIL",
        },
    )
    assert response.status_code == 302, errors_of(response)
    assert StatutoryNotice.objects.filter(case=case).count() == 3
    page = client.get(f"/cases/{case.public_id}/").content.decode()
    assert "Not sent yet" not in page
    assert "Reg 4(2) to Hilltown Children&#x27;s Services" in page
    assert "sent 8 September 2026 by secure e-mail" in page


@time_machine.travel(date(2026, 9, 9))
@pytest.mark.parametrize("who", ["senco", "health", "psychologist", "outsider"])
def test_partners_cannot_open_the_notice_page(client, people, who):  # noqa: F811
    case = record_request(client, people)
    as_user(client, people[who])
    response = client.get(f"/cases/{case.public_id}/notices/new/")
    assert response.status_code in (403, 404)
    response = client.post(
        f"/cases/{case.public_id}/notices/new/",
        {"regulation": "4(2)", "recipients": ["HEALTH"], "method": "EMAIL"},
    )
    assert response.status_code in (403, 404)
    assert not StatutoryNotice.objects.exists()


@time_machine.travel(date(2026, 9, 9))
def test_partners_do_not_see_the_notices_section(client, people):  # noqa: F811
    case = record_request(client, people)
    as_user(client, people["senco"])
    page = client.get(f"/cases/{case.public_id}/")
    assert "Notices to partners" not in page.content.decode()
