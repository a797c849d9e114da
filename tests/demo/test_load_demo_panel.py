"""`manage.py load_demo`: the Joint Agency Panel (demo/panel.py), its seats, three confirmed
meetings and the next one, driven through the panel's services at back-dated steps.

The demo is loaded once for the module, with real commits (as `manage.py load_demo` runs); the
database is flushed afterwards, as for a transactional test. Each test reads it in its own
transaction. The timeline and the choice of children are also checked pure, for many days.
"""

import importlib
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django.utils import timezone

from demo import generator
from demo import panel as demo_panel
from demo.clock import COMPUTED
from ehcp.children.models import ConsentRecord
from ehcp.children.rules.consent import Purpose
from panel import documents as panel_documents
from panel import selectors
from panel.models import (
    AttendanceStatus,
    Cadence,
    Decision,
    FundingKind,
    FundingRequest,
    Meeting,
    MeetingStatus,
    Panel,
    PanelDocument,
    PanelDocumentKind,
    PanelMember,
    PanelRole,
    RequestStatus,
)
from panel.rules import money
from panel.rules.decisions import add_months
from panel.rules.money import Funder

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 28)
_ACCESS_TABLE = importlib.import_module("agencies.migrations.0003_seed_data_access_rules")
_CONTINUING_CARE = importlib.import_module("agencies.migrations.0007_continuing_care_access_rules")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo (one assessment case, every review scenario and the panel), loaded with real
    commits."""
    with django_db_blocker.unblock():
        _ACCESS_TABLE.seed(apps, None)
        _CONTINUING_CARE.seed(apps, None)
        out = StringIO()
        started = timezone.now()
        call_command(
            "load_demo",
            "--children",
            "1",
            "--seed",
            "7",
            "--today",
            TODAY.isoformat(),
            stdout=out,
        )
        finished = timezone.now()
        yield {"output": out.getvalue(), "started": started, "finished": finished}
        call_command("flush", interactive=False, verbosity=0)


def the_panel() -> Panel:
    return Panel.objects.select_related("council", "health_funder", "social_care_funder").get()


def past_meetings():
    return list(Meeting.objects.filter(status=MeetingStatus.CONFIRMED).order_by("meets_on"))


def decisions(**filters):
    return Decision.objects.filter(**filters).select_related("request", "item__meeting")


# -- the panel and its seats -----------------------------------------------------------------


def test_the_standing_panel_and_its_terms(demo):
    panel = the_panel()
    assert panel.name == "Exampleshire Joint Agency Panel"
    assert panel.council.name == generator.COUNCIL_NAME
    assert "high-needs funding" in panel.remit
    assert panel.cadence == Cadence.MONTHLY
    assert panel.papers_days_before == 7
    assert (panel.quorum_min_members, panel.quorum_chair_required) == (3, True)
    assert (panel.quorum_education, panel.quorum_health, panel.quorum_social_care) == (
        True,
        True,
        True,
    )
    assert panel.health_funder.name == generator.AGENCIES["health"][0]
    assert panel.social_care_funder.name == generator.AGENCIES["socialcare"][0]
    assert panel.is_active


@pytest.mark.parametrize(
    "username, agency_key, role, funder",
    [
        ("panelchair", "council", PanelRole.CHAIR, Funder.EDUCATION),
        ("panelmember", "council", PanelRole.MEMBER, Funder.EDUCATION),
        ("panelhealth", "health", PanelRole.MEMBER, Funder.HEALTH),
        ("panelsocialcare", "socialcare", PanelRole.MEMBER, Funder.SOCIAL_CARE),
    ],
)
def test_each_seat(demo, username, agency_key, role, funder):
    seat = PanelMember.objects.select_related("agency", "user").get(user__username=username)
    assert seat.panel == the_panel()
    assert seat.agency.name == generator.AGENCIES[agency_key][0]
    assert (seat.role, seat.funder, seat.left_on) == (role, funder, None)
    # Joined about two years before the demo's today.
    assert abs((seat.joined_on - add_months(TODAY, -24)).days) <= 2
    assert seat.joined_on.weekday() < 5
    # The login's membership is of the agency they sit for.
    assert seat.user.memberships.get().agency == seat.agency


def test_four_seats_and_the_new_logins_are_listed(demo):
    assert PanelMember.objects.current().count() == 4
    lines = demo["output"].splitlines()
    logins = lines[lines.index("Demo logins:") :]
    for username in ("panelhealth", "panelsocialcare"):
        assert any(line.split()[:1] == [username] for line in logins), username
    assert [u[0] for u in generator.DEMO_USERS].index("panelsocialcare") < [
        u[0] for u in generator.DEMO_USERS
    ].index(generator.FINAL_USER)
    assert "Joint Agency Panel:" in lines
    assert lines.index("Joint Agency Panel:") < lines.index("Demo logins:")


# -- meetings ---------------------------------------------------------------------------------


def test_three_confirmed_meetings_and_one_to_come(demo):
    statuses = sorted(Meeting.objects.values_list("status", flat=True))
    assert statuses == sorted([MeetingStatus.CONFIRMED] * 3 + [MeetingStatus.PLANNED])
    for months, meeting in zip((3, 2, 1), past_meetings(), strict=True):
        assert meeting.meets_on.weekday() == 3  # Thursdays
        assert abs((meeting.meets_on - add_months(TODAY, -months)).days) <= 3
        assert meeting.confirmed_by.username == "panelchair"
        assert timezone.localdate(meeting.papers_sent_at) == meeting.meets_on - timedelta(days=7)
        assert meeting.opened_at < meeting.closed_at < meeting.confirmed_at
        assert timezone.localtime(meeting.opened_at).time().hour == 10
        assert timezone.localdate(meeting.confirmed_at) <= TODAY
        assert PanelDocument.objects.filter(
            meeting=meeting, kind=PanelDocumentKind.PAPERS
        ).count() == (PanelMember.objects.count())
    coming = Meeting.objects.get(status=MeetingStatus.PLANNED)
    assert 11 <= (coming.meets_on - TODAY).days <= 17
    assert coming.papers_sent_at is None
    assert not PanelDocument.objects.filter(meeting=coming).exists()
    items = list(coming.items.select_related("request"))
    assert 2 <= len(items) <= 3
    assert {i.request.status for i in items} == {RequestStatus.LISTED}


def test_a_draft_missing_its_evidence_and_a_ready_request_not_listed(demo):
    draft = FundingRequest.objects.get(status=RequestStatus.DRAFT)
    assert draft.options_tried == ""
    assert not draft.agenda_items.exists()
    ready = FundingRequest.objects.get(status=RequestStatus.READY)
    assert not ready.agenda_items.exists()
    assert ready.options_tried and ready.proposed_cost > 0


def test_a_conflict_and_a_member_leaving_at_one_meeting_and_apologies_at_another(demo):
    first, second, third = past_meetings()
    # The education member declares an interest in one item and takes no part in it.
    conflict = first.items.get(conflicts__isnull=False).conflicts.select_related("member").get()
    assert conflict.member.user.username == "panelmember"
    decided = conflict.item.decision
    assert conflict.member_id not in decided.quorum_members
    assert decided.recorded_by_member_id != conflict.member_id
    others = decisions(item__meeting=first).exclude(pk=decided.pk)
    assert others and all(conflict.member_id in d.quorum_members for d in others)
    # The minutes say so.
    minutes = PanelDocument.objects.get(meeting=first, kind=PanelDocumentKind.MINUTES)
    html = panel_documents.render_html(minutes)
    assert f"declared an interest ({conflict.interest}) and took no part" in html
    # The social care member leaves once every decision needing them is made.
    left = first.attendance.get(left_at__isnull=False)
    assert left.member.user.username == "panelsocialcare"
    last = max(decisions(item__meeting=first).values_list("recorded_at", flat=True))
    assert last < left.left_at < first.closed_at
    assert all(left.member_id in d.quorum_members for d in decisions(item__meeting=first))
    # The education member sends apologies to the second; the meeting is quorate without them.
    apologies = second.attendance.get(status=AttendanceStatus.APOLOGIES)
    assert apologies.member.user.username == "panelmember"
    assert all(len(d.quorum_members) == 3 for d in decisions(item__meeting=second))
    assert not third.attendance.filter(status=AttendanceStatus.APOLOGIES).exists()


# -- decisions ---------------------------------------------------------------------------------


def test_decisions_of_every_outcome_all_confirmed(demo):
    outcomes = set(Decision.objects.values_list("outcome", flat=True))
    assert outcomes == {"APPROVE", "APPROVE_WITH_CHANGES", "DECLINE", "DEFER"}
    assert not Decision.objects.filter(confirmed_at__isnull=True).exists()
    for decision in decisions():
        meeting = decision.item.meeting
        assert decision.confirmed_at == meeting.confirmed_at
        assert meeting.opened_at < decision.recorded_at < meeting.closed_at
        assert decision.reasons.strip()


@pytest.mark.parametrize(
    "kind, shares",
    [
        (FundingKind.HIGH_NEEDS_TOP_UP, ("100.00", "0.00", "0.00")),
        (FundingKind.RESIDENTIAL_PLACEMENT, ("50.00", "30.00", "20.00")),
        (FundingKind.SHORT_BREAKS, ("0.00", "0.00", "100.00")),
        (FundingKind.CONTINUING_CARE, ("0.00", "100.00", "0.00")),
        (FundingKind.PERSONAL_BUDGET, ("80.00", "0.00", "20.00")),
    ],
)
def test_approvals_of_each_kind_with_their_shares(demo, kind, shares):
    approved = decisions(outcome="APPROVE", request__kind=kind)
    assert approved.exists()
    for decision in approved:
        assert tuple(str(decision.shares()[f]) for f in money.FUNDERS) == shares
        assert decision.agreed_cost > 0 and decision.starts_on < decision.review_on
        assert decision.review_on <= add_months(decision.starts_on, 12)


def test_an_approval_with_changes_costs_less_and_a_decline_gives_reasons(demo):
    changed = decisions(outcome="APPROVE_WITH_CHANGES").get()
    assert changed.changes.strip()
    assert changed.agreed_cost < changed.request.proposed_cost
    declined = decisions(outcome="DECLINE").get()
    assert declined.agreed_cost is None and "local special school" in declined.reasons


def test_the_deferred_request_is_answered_and_decided_at_the_next_meeting(demo):
    deferral = decisions(outcome="DEFER").get()
    request = deferral.request
    assert deferral.information_requested.strip()
    assert request.information_requested == deferral.information_requested
    assert request.information_provided.strip()
    later = decisions(request=request).exclude(pk=deferral.pk).get()
    assert later.outcome == "APPROVE" and request.status == RequestStatus.DECIDED
    first, second, _third = past_meetings()
    assert (deferral.item.meeting, later.item.meeting) == (first, second)
    assert later.item.position == 1


def test_a_funding_review_supersedes_the_first_approval(demo):
    superseded = [d for d in decisions() if d.superseded_by.exists()]
    assert len(superseded) >= 1
    first = superseded[0]
    later = first.superseded_by.get()
    assert later.is_confirmed and later.outcome == "APPROVE"
    assert later.request.follows == first.request
    assert later.request.child == first.request.child
    assert later.item.meeting.meets_on > first.item.meeting.meets_on
    assert first not in selectors.decisions_in_force()
    assert later in selectors.decisions_in_force()


def test_a_family_letter_for_every_confirmed_decision(demo):
    confirmed = Decision.objects.confirmed()
    assert confirmed.count() == len(demo_panel.VERDICTS) == 9
    for decision in confirmed:
        letters = PanelDocument.objects.filter(
            decision=decision, kind=PanelDocumentKind.FAMILY_LETTER
        )
        assert letters.count() == 1, decision
    funded = Decision.objects.confirmed().funded()
    assert PanelDocument.objects.filter(kind=PanelDocumentKind.PROVIDER_LETTER).count() == (
        funded.count()
    )


@pytest.mark.parametrize("funder", list(Funder))
def test_commitments_this_financial_year_for_each_funder(demo, funder):
    year = money.financial_year(TODAY)
    totals = selectors.commitment_totals([the_panel().council_id], year)
    assert totals.by_funder[funder] > Decimal("0")
    assert sum(totals.by_funder.values()) == totals.total
    assert totals.packages == Decision.objects.confirmed().funded().count() - 1  # superseded


# -- the requests' links, consent and dates ------------------------------------------------------


def test_each_request_links_its_plan_and_advice_and_has_consent(demo):
    requests = FundingRequest.objects.select_related("consent", "child")
    assert requests.count() == len(demo_panel.ASKS)
    for request in requests:
        assert request.plan_version is not None, request.reference
        assert 1 <= len(request.plan_entries) <= 3, request.reference
        assert {e["section"] for e in request.plan_entries} <= {"F", "G", "H1", "H2"}
        assert 1 <= len(request.evidence_advice) <= 2, request.reference
        assert request.consent is not None and not request.override_justification
        assert request.consent.purpose == request.consent_purpose
        assert request.consent.given_on <= request.raised_on
        covered = set(request.consent.agencies.values_list("pk", flat=True))
        panel = the_panel()
        assert {panel.health_funder_id, panel.social_care_funder_id} <= covered
    continuing = requests.get(kind=FundingKind.CONTINUING_CARE)
    assert ConsentRecord.objects.filter(
        child=continuing.child, purpose=Purpose.CONTINUING_CARE
    ).exists()
    assert ConsentRecord.objects.filter(
        child=continuing.child, purpose=Purpose.HIGH_NEEDS_FUNDING
    ).exists()
    # A different child for each request but the funding review.
    children = [r.child_id for r in requests if r.follows_id is None]
    assert len(children) == len(set(children))


def test_each_step_is_dated_as_the_timeline_says(demo):
    when = demo_panel.timeline(TODAY)
    meetings = Meeting.objects.order_by("meets_on")
    assert [m.meets_on for m in meetings] == [d.meets_on for d in when.meetings]
    for meeting, dates in zip(meetings, when.meetings, strict=True):
        scheduled = meeting.history.earliest("history_date")
        assert timezone.localdate(scheduled.history_date) == dates.scheduled_on
        for item in meeting.items.select_related("request"):
            assert timezone.localdate(item.added_at) == dates.listed_on
            raised = item.request.history.earliest("history_date")
            assert timezone.localdate(raised.history_date) == item.request.raised_on
            assert item.request.raised_on < dates.listed_on
    for decision in decisions():
        assert timezone.localdate(decision.recorded_at) == decision.item.meeting.meets_on
        history = decision.history.earliest("history_date")
        assert abs(history.history_date - decision.recorded_at) < timedelta(seconds=60)


def test_no_panel_row_keeps_the_time_it_was_loaded(demo):
    """Every stamp the panel's steps read from the clock is moved to the step's moment."""
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or meta.app_label not in ("panel", "children", "governance"):
            continue
        for field in meta.local_concrete_fields:
            if not isinstance(field, models.DateTimeField):
                continue
            if (meta.app_label, meta.model_name, field.name) in COMPUTED:
                continue
            left = model._base_manager.filter(
                **{f"{field.name}__range": (demo["started"], demo["finished"])}
            )
            assert not left.exists(), f"{meta.label}.{field.name} left at the time it was loaded"


# -- the pages -----------------------------------------------------------------------------------


@time_machine.travel(TODAY)
@pytest.mark.parametrize("username", ["panelmember", "panelchair", "caseworker"])
def test_the_panel_pages_render(demo, client, username):
    client.force_login(get_user_model().objects.get(username=username))
    urls = [reverse("panel:home"), reverse("panel:commitments")]
    for meeting in Meeting.objects.all():
        urls.append(reverse("panel:meeting", kwargs={"public_id": meeting.public_id}))
        for item in meeting.items.all():
            urls.append(reverse("panel:item", kwargs={"public_id": item.public_id}))
    minutes = PanelDocument.objects.filter(kind=PanelDocumentKind.MINUTES).first()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    home = client.get(reverse("panel:home"))
    for meeting in Meeting.objects.all():
        assert str(meeting.public_id).encode() in home.content
    response = client.get(reverse("panel:document", kwargs={"public_id": minutes.public_id}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "args, reviews, panel",
    [([], True, True), (["--no-panel"], True, False), (["--no-reviews"], False, True)],
)
def test_the_options_that_leave_out_the_panel(args, reviews, panel):
    from demo.management.commands.load_demo import Command

    options = Command().create_parser("manage.py", "load_demo").parse_args(args)
    assert (options.reviews, options.panel) == (reviews, panel)


# -- the timeline and the children, pure -----------------------------------------------------


def test_every_timeline_fits_whatever_the_day():
    """Pure: on days around two years, meetings on Thursdays about 3, 2 and 1 months ago and
    about 2 weeks ahead; each meeting's steps in order and never after today; each request
    raised after consent and before its agenda is set; the review after the first approval is
    confirmed; the deferral answered before the next agenda."""
    for today in [TODAY + timedelta(days=n) for n in range(0, 730, 5)]:
        check_timeline(demo_panel.timeline(today), today)


def check_timeline(when, today):
    past, coming = when.past, when.meetings[-1]
    for months, dates in zip((3, 2, 1), past, strict=True):
        where = (today, months)
        assert dates.meets_on.weekday() == 3, where
        assert abs((dates.meets_on - add_months(today, -months)).days) <= 3, where
        assert dates.scheduled_on < dates.listed_on < dates.papers_on < dates.meets_on, where
        assert dates.papers_on == dates.meets_on - timedelta(days=7), where
        assert dates.meets_on < dates.confirmed_on <= today, where
    for earlier, later in zip(when.meetings[:-1], when.meetings[1:], strict=True):
        assert earlier.meets_on < later.meets_on and later.scheduled_on >= earlier.scheduled_on
        if earlier.confirmed_on:
            assert later.scheduled_on >= earlier.confirmed_on
    assert coming.meets_on.weekday() == 3 and 11 <= (coming.meets_on - today).days <= 17
    assert coming.scheduled_on < coming.listed_on < today < coming.meets_on - timedelta(days=7)
    for ask in demo_panel.ASKS:
        raised = when.raised_on[ask.key]
        assert raised.weekday() < 5 and raised <= today, (today, ask.key)
        assert demo_panel.consent_on(raised) < raised
        if ask.meeting is not None:
            assert raised < when.meetings[ask.meeting].listed_on, (today, ask.key)
        if ask.follows:
            followed = demo_panel.ASK[ask.follows]
            assert raised > when.meetings[followed.meeting].confirmed_on, today
    first, second = past[0], past[1]
    assert first.confirmed_on < when.answered_on < second.listed_on, today
    assert when.joined_on < min(when.raised_on.values())


def plans(*issued_days_ago, first_id=1, has_setting=True, young_in_days=5000):
    """Plans issued so many days before TODAY (ids from `first_id`); the children become young
    people `young_in_days` after TODAY (negative: before)."""
    return [
        demo_panel.PlanFacts(
            plan_id=n,
            issued_on=TODAY - timedelta(days=days),
            young_person_from=TODAY + timedelta(days=young_in_days),
            has_setting=has_setting,
        )
        for n, days in enumerate(issued_days_ago, start=first_id)
    ]


def test_each_request_gets_a_child_of_its_own_the_oldest_plans_first():
    when = demo_panel.timeline(TODAY)
    chosen = demo_panel.choose_plans(plans(*range(400, 400 + 12 * 30, 30)), when)
    assert chosen is not None
    review = next(a for a in demo_panel.ASKS if a.follows)
    assert chosen[review.key] == chosen[review.follows]
    others = [chosen[a.key] for a in demo_panel.ASKS if not a.follows]
    assert len(others) == len(set(others)) == 12
    earliest = min(demo_panel.ASKS, key=lambda a: when.raised_on[a.key])
    assert chosen[earliest.key] == 12  # the oldest plan (issued 730 days ago)


@pytest.mark.parametrize(
    "facts, why",
    [
        (plans(*[400] * 11), "one plan too few"),
        (plans(*[400] * 11) + plans(10, first_id=12), "the last plan was issued 10 days ago"),
        (plans(*[400] * 11) + plans(60, first_id=12), None),  # in time for the last requests
        (plans(*[400] * 12, has_setting=False), "no child has a school for the top-ups"),
        (plans(*[400] * 12, young_in_days=-200), None),  # young people throughout: they consent
        (plans(*[400] * 12, young_in_days=30), None),  # children throughout: a parent consents
        (plans(*[400] * 12, young_in_days=-10), "the children become young people meanwhile"),
    ],
)
def test_too_few_fitting_plans_leave_the_requests_out(facts, why):
    chosen = demo_panel.choose_plans(facts, demo_panel.timeline(TODAY))
    assert (chosen is None) == (why is not None), why
