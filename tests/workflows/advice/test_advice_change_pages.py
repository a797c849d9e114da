"""Cancelling a request for advice and asking for more, on the pages a caseworker uses (issue 9).

The caseworker reaches both from the case's advice page, posts only the fields each page shows,
and gets a clear message that changes nothing when the input is wrong (ADVICE-CANCEL; reg 6(1),
reg 8(1) and the consent gate for a request asked for later). Partners cannot use either page.
"""

import re
from datetime import timedelta

import pytest
import time_machine
from viewflow.workflow.status import STATUS

from agencies.models import AgencyKind
from ehcp.assessments.models import AdviceKind, AdviceRequest, AdviceStatus, AssessmentStatus
from ehcp.children import services as child_services
from notifications.models import Notification
from tests.factories import CaseWalk
from tests.factories import db_state as factories_db_state
from workflows.models import CaseTask

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def fields_of(page: str) -> set[str]:
    """The names of the fields the page draws (inputs, selects, text areas), without the token."""
    names = set(re.findall(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', page))
    return names - {"csrfmiddlewaretoken"}


def db_state():
    """Every row of our tables except the read audit (showing a form again is a recorded read)."""
    state = factories_db_state()
    state.pop("governance.AccessEvent")
    return state


def d(value, name: str) -> dict:
    return {f"{name}_0": value.day, f"{name}_1": value.month, f"{name}_2": value.year}


@pytest.fixture
def assessing(cast):
    """Advice asked of the family, health and the EP service; the family and EP have answered."""
    walk = CaseWalk(cast).to(AssessmentStatus.ASSESSING)
    walk.submit_advice(AdviceKind.PARENT_VIEWS)
    walk.submit_advice(AdviceKind.PSYCHOLOGICAL)
    return walk


def test_the_caseworker_cancels_a_request_from_the_case_advice_page(client, cast, assessing):
    case = assessing.case
    health = assessing.advice_request(AdviceKind.HEALTH)
    task = assessing.advice_task(AdviceKind.HEALTH)
    on = assessing.when.decided_on + 5 * DAY
    with time_machine.travel(on, tick=False):
        client.force_login(cast.caseworker)
        advice_page = client.get(f"/tasks/advice/case/{case.public_id}/").content.decode()
        url = f"/tasks/advice/{health.public_id}/cancel/"
        assert url in advice_page
        form = client.get(url).content.decode()
        assert fields_of(form) == {"reason"}

        before = db_state()
        refused = client.post(url, {"reason": "  "})
        assert refused.status_code == 200
        assert "Error:" in refused.content.decode()
        assert db_state() == before

        reason = "The recent health visitor report is enough (reg 6(4))"
        response = client.post(url, {"reason": reason})
        assert response.status_code == 302
        assert response["Location"] == f"/tasks/advice/case/{case.public_id}/"
        shown = client.get(response["Location"]).content.decode()

    health.refresh_from_db()
    assert (health.status, health.cancelled_reason, health.cancelled_by) == (
        AdviceStatus.CANCELLED,
        reason,
        cast.caseworker,
    )
    task.refresh_from_db()
    assert task.status == STATUS.CANCELED
    assert not CaseTask.objects.filter(previous=task, status=STATUS.SCHEDULED).exists()
    assert Notification.objects.filter(kind="ADVICE_CANCELLED", agency=cast.health).exists()
    assert reason in shown
    # Nothing left to cancel: the page sends the caseworker back with a message.
    with time_machine.travel(on, tick=False):
        client.force_login(cast.caseworker)
        again = client.get(url, follow=True).content.decode()
    assert "nothing to cancel" in again


@pytest.mark.parametrize("who", ["health_adviser", "psychologist", "senco", "outsider"])
def test_partners_cannot_cancel_or_ask_for_advice(client, cast, assessing, who):
    health = assessing.advice_request(AdviceKind.HEALTH)
    client.force_login(getattr(cast, who))
    before = db_state()
    for url in (
        f"/tasks/advice/{health.public_id}/cancel/",
        f"/tasks/advice/case/{assessing.case.public_id}/ask/",
    ):
        assert client.get(url).status_code in (403, 404)
        assert client.post(url, {"reason": "Not needed"}).status_code in (403, 404)
    assert db_state() == before


def test_the_caseworker_asks_for_more_advice_behind_the_consent_gate(client, cast, assessing):
    case = assessing.case
    url = f"/tasks/advice/case/{case.public_id}/ask/"
    on = assessing.when.decided_on + 10 * DAY
    with time_machine.travel(on, tick=False):
        client.force_login(cast.caseworker)
        advice_page = client.get(f"/tasks/advice/case/{case.public_id}/").content.decode()
        assert url in advice_page
        form = client.get(url).content.decode()
        assert fields_of(form) == {
            "kind",
            "agency",
            "setting",  # a school is typed: no list of every school
            "requested_on_0",
            "requested_on_1",
            "requested_on_2",
        }
        ask = {
            "kind": AdviceKind.SOCIAL_CARE,
            "agency": cast.social_care.pk,
            **d(on, "requested_on"),
        }

        # Consent does not cover social care yet: refused, nothing changes.
        before = db_state()
        refused = client.post(url, ask).content.decode()
        assert "Error:" in refused and "consent" in refused.lower()
        assert db_state() == before

    child_services.consent_record(
        child=case.child,
        case=case,
        purpose="STATUTORY_ASSESSMENT",
        agencies=[cast.social_care],
        given_by="PARENT",
        given_by_name="Morwenna Quillfeather",
        given_on=on,
        method="WRITTEN",
        by=cast.caseworker,
        today=on,
    )
    with time_machine.travel(on, tick=False):
        client.force_login(cast.caseworker)
        response = client.post(url, ask)
    assert response.status_code == 302

    advice = AdviceRequest.objects.get(case=case, kind=AdviceKind.SOCIAL_CARE)
    assert (advice.agency, advice.requested_on, advice.due_on) == (
        cast.social_care,
        on,
        on + 42 * DAY,  # reg 8(1)
    )
    task = CaseTask.objects.human().open().get(case=case, subject_id=advice.pk)
    assert (task.agency, task.due_on, task.flow_task.name) == (
        cast.social_care,
        advice.due_on,
        "social_care_advice",
    )


def test_a_school_is_typed_when_asking_for_more_advice_and_never_listed(cast, assessing):
    from workflows.advice_forms import AdviceAddForm

    case = assessing.case
    on = assessing.when.decided_on + 10 * DAY
    form = AdviceAddForm(case=case)
    assert AgencyKind.SCHOOL not in {a.kind for a in form.fields["agency"].queryset}
    base = {"kind": AdviceKind.EDUCATIONAL, **d(on, "requested_on")}
    typed = AdviceAddForm({**base, "setting": cast.school.name.lower()}, case=case)
    assert typed.is_valid(), typed.errors
    assert typed.cleaned_data["agency"] == cast.school and "setting" not in typed.cleaned_data
    both = AdviceAddForm(
        {**base, "agency": cast.social_care.pk, "setting": cast.school.name}, case=case
    )
    assert both.errors == {"setting": ["Choose an agency or type a school, not both"]}
    neither = AdviceAddForm(base, case=case)
    assert neither.errors == {"agency": ["Choose who is asked for the advice"]}
    unknown = AdviceAddForm({**base, "setting": "Nowhere School"}, case=case)
    assert unknown.errors == {"setting": ["No school or setting matches “Nowhere School”"]}


def test_a_protected_childs_more_advice_form_offers_no_school_to_type(cast, assessing):
    from workflows.advice_forms import AdviceAddForm

    child = assessing.case.child
    child.protected_whereabouts = True
    child.save(update_fields=["protected_whereabouts"])
    form = AdviceAddForm(case=assessing.case)
    assert "setting" not in form.fields
    schools = [a for a in form.fields["agency"].queryset if a.kind == AgencyKind.SCHOOL]
    assert schools == ([cast.school] if child.current_setting_id else [])
