"""Every URL, as every demo role and as people from other agencies (AC-01 to AC-04, DM-02).

The expected outcome of each route for each person is declared below; a route that is not
declared fails the test, so a new page cannot ship without saying who may use it. Unique marker
strings stand in for protected whereabouts and identifiers, and the test proves they never appear
in a response to someone who may not see them: pages, and every PDF a person can download.

The world asks for the family's views (advice addressed to the council itself) and issues a draft
plan, so the council's non-casework roles (panel member, panel chair, IG lead, administrator)
would be "partners" on the case if access came from that routing rather than from roles.
"""

import dataclasses
import io
from datetime import date, datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from agencies.models import Agency, AgencyKind, Membership, Role, SharingAgreement
from ehcp.assessments.models import AdviceRequest, Assessment
from ehcp.assessments.services import assessment as assessment_services
from ehcp.assessments.services.assessment import AdviceToSeek, ChildDetails, ParentDetails
from ehcp.children import services as child_services
from ehcp.children.models import YoungPersonRecord
from ehcp.governance import services as governance_services
from ehcp.governance.models import BreakGlassAttempt, BreakGlassGrant
from ehcp.plans import rendering
from ehcp.plans import services as plan_services
from ehcp.plans.models import DocumentRender, EhcPlan, EhcPlanStatus, PlanDocument
from ehcp.reviews.models import ArrangedUnder, Review, ReviewInvitee, ReviewStatus
from ehcp.reviews.rules.cease import Reason as CeaseReason
from ehcp.reviews.services import amendment
from ehcp.reviews.services import cease as cease_services
from ehcp.reviews.services import review as review_services
from notifications.models import Notice
from tests import factories
from workflows import services as workflow_services
from workflows.models import CaseTask

pytestmark = pytest.mark.django_db

TODAY = date(2026, 10, 1)
WHEREABOUTS_MARKERS = ("WHEREABOUTS-ADDR-7741", "ZZ9 9ZQ", "WHEREABOUTS-PHONE-0700")
# The child's school is a whereabouts fact on pages and documents about the child (lists of all
# schools are not: the request form and the consent form list every school, unmarked).
SCHOOL_MARKER = "Marker Hill School"
NOT_CHILD_PAGES = {
    "home",
    "notifications:preferences",
    "login",
    "logout",
    "ehcp:calculator",
    "workflows:request-new",
    "ehcp:case-list",
    "ehcp:caseload",
    "ehcp:consent-new",
    "governance:incident-new",
    # A funding request's form lists every provider (the walk's request is for a child whose
    # whereabouts are not protected; for one who is, the form names no school: tests/panel).
    "panel:request-edit",
}
NAME_MARKER = "Priyanka"  # the protected child's first name
OTHER_NAME_MARKER = "Norberta"  # a child with no partner involvement yet

COUNCIL_OFFICERS = {"caseworker", "manager"}
PARTNERS = {"psychologist", "health", "socialcare", "senco"}
# non_party: a health adviser of a clinic that is not a party to the information sharing agreement.
EVERYONE = (
    COUNCIL_OFFICERS
    | PARTNERS
    | {"panelmember", "panelchair", "admin", "iglead", "outsider", "other_health", "non_party"}
)
# Break-glass: only partner advisers at agencies that are parties to the council's agreement (AC-07).
BREAK_GLASS = {"psychologist", "health", "socialcare"}
MANAGERS = {"manager", "admin"}
PANEL = {"panelmember", "panelchair"}

# route name -> (method, who gets 200 (or 302 for a successful POST); everyone else is refused)
EXPECTED = {
    "home": ("GET", EVERYONE),
    "login": ("GET", set()),  # signed-in people are sent on (302)
    "logout": ("GET", set()),  # POST only
    "favicon": ("GET", EVERYONE),  # /favicon.ico, signed in or not
    "workflows:inbox": ("GET", EVERYONE),
    # the other council's caseworker records requests for their own council
    "workflows:request-new": ("GET", COUNCIL_OFFICERS | {"outsider"}),
    "workflows:task": ("GET", COUNCIL_OFFICERS | {"health"}),
    "workflows:task-claim": ("POST", {"health"}),
    "workflows:task-release": ("POST", {"health"}),  # the holder: health claimed it just before
    # only a manager of the agency whose queue holds the task (the health trust has none here)
    "workflows:task-reassign": ("GET", set()),
    # Managers see their team's tasks; an SEN manager of the council changes a case's caseworker.
    "workflows:team": ("GET", MANAGERS),
    "workflows:case-caseworker": ("GET", {"manager"}),
    # The council's SEN team records that a request was withdrawn, or a new request for a child
    # it knows (a re-assessment where the plan is in force).
    "workflows:case-withdraw": ("GET", COUNCIL_OFFICERS),
    "workflows:child-request": ("GET", COUNCIL_OFFICERS),
    # The council's officers consult another setting (the walk's case is not consulting yet: the
    # page sends them back to the case; everyone else is refused before that).
    "workflows:case-consult": ("GET", COUNCIL_OFFICERS),
    "ehcp:case-list": ("GET", COUNCIL_OFFICERS | {"admin", "outsider"}),
    # The reviews pipeline and its printed list: the council's officers (and its administrator),
    # each seeing their own council's plans; the DfE annual review figures: managers.
    "workflows:pipeline:index": ("GET", COUNCIL_OFFICERS | {"admin", "outsider"}),
    "workflows:pipeline:print": ("GET", COUNCIL_OFFICERS | {"admin", "outsider"}),
    "workflows:pipeline:figures": ("GET", MANAGERS),
    # How on time each agency's advice was: the council's managers and IG lead see every agency
    # their council asked (schools as one row); a partner's advisers see their own agency's,
    # whichever council asked it. Counts only, never a child.
    "workflows:advice:figures": (
        "GET",
        MANAGERS | {"iglead"} | PARTNERS | {"other_health", "non_party"},
    ),
    # Its bulk actions change casework: the council's caseworkers and SEN managers (an empty post
    # is answered with what to choose; nothing changes).
    "workflows:pipeline:start": ("POST", COUNCIL_OFFICERS | {"outsider"}),
    "workflows:pipeline:invitations": ("POST", COUNCIL_OFFICERS | {"outsider"}),
    "ehcp:caseload": ("GET", MANAGERS),
    "ehcp:calculator": ("GET", EVERYONE),
    # Suggestions for the school boxes of the council's forms (any council's officers: every
    # active school, a list that holds nothing about a child).
    "agencies:setting-search": ("GET", COUNCIL_OFFICERS | {"outsider"}),
    "ehcp:case-detail": ("GET", COUNCIL_OFFICERS | PARTNERS),
    # The child's page: anyone who may see one of the child's episodes.
    "children:child-detail": ("GET", COUNCIL_OFFICERS | PARTNERS),
    "ehcp:consent-new": ("GET", COUNCIL_OFFICERS),
    "ehcp:consent-withdraw": ("GET", COUNCIL_OFFICERS),
    "ehcp:consent-override": ("GET", COUNCIL_OFFICERS),
    # A young person's capacity or agreement: the council's record, like consent.
    "ehcp:young-person-record-new": ("GET", COUNCIL_OFFICERS),
    "ehcp:young-person-record-end": ("GET", COUNCIL_OFFICERS),
    "ehcp:exception-new": ("GET", COUNCIL_OFFICERS),
    "ehcp:exception-update": ("GET", COUNCIL_OFFICERS),
    "ehcp:notice-new": ("GET", COUNCIL_OFFICERS),
    # The plan editor is the council's; the health body agrees its own provision in section G.
    "ehcp:plan:overview": ("GET", COUNCIL_OFFICERS),
    "ehcp:plan:details": ("GET", COUNCIL_OFFICERS),
    "ehcp:plan:suggest": ("POST", COUNCIL_OFFICERS),
    "ehcp:plan:need-new": ("GET", COUNCIL_OFFICERS),
    "ehcp:plan:need-edit": ("GET", COUNCIL_OFFICERS),
    "ehcp:plan:outcome-new": ("GET", COUNCIL_OFFICERS),
    "ehcp:plan:outcome-edit": ("GET", COUNCIL_OFFICERS),
    "ehcp:plan:provision-new": ("GET", COUNCIL_OFFICERS),
    "ehcp:plan:provision-edit": ("GET", COUNCIL_OFFICERS),
    "ehcp:plan:provision-agree": ("GET", COUNCIL_OFFICERS | {"health"}),
    "ehcp:plan:entry-accept": ("POST", COUNCIL_OFFICERS),
    "ehcp:plan:entry-remove": ("GET", COUNCIL_OFFICERS),
    "ehcp:plan:history": ("GET", COUNCIL_OFFICERS),
    "ehcp:plan:compare": ("GET", COUNCIL_OFFICERS),
    "ehcp:plan:preview": ("GET", COUNCIL_OFFICERS),  # a PDF of the working copy, not stored
    # The draft plan of the second protected case: the council and its partners on that case;
    # never the council's panel, IG or administrative staff (they have no task on it).
    "ehcp:plan:documents": ("GET", COUNCIL_OFFICERS | PARTNERS),
    "ehcp:plan:document-download": ("GET", COUNCIL_OFFICERS | PARTNERS),
    "ehcp:plan:letter-sending": ("GET", COUNCIL_OFFICERS),
    # A review's working copy of the plan, amending it: the council's SEN team edits it; the
    # health trust invited to the review agrees section G and sees its plans and letters.
    "review-plan:overview": ("GET", COUNCIL_OFFICERS),
    "review-plan:seed": ("POST", COUNCIL_OFFICERS),
    "review-plan:details": ("GET", COUNCIL_OFFICERS),
    "review-plan:need-new": ("GET", COUNCIL_OFFICERS),
    "review-plan:need-edit": ("GET", COUNCIL_OFFICERS),
    "review-plan:outcome-new": ("GET", COUNCIL_OFFICERS),
    "review-plan:outcome-edit": ("GET", COUNCIL_OFFICERS),
    "review-plan:provision-new": ("GET", COUNCIL_OFFICERS),
    "review-plan:provision-edit": ("GET", COUNCIL_OFFICERS),
    "review-plan:provision-agree": ("GET", COUNCIL_OFFICERS | {"health"}),
    "review-plan:entry-accept": ("POST", COUNCIL_OFFICERS),
    "review-plan:entry-remove": ("GET", COUNCIL_OFFICERS),
    "review-plan:history": ("GET", COUNCIL_OFFICERS),
    "review-plan:compare": ("GET", COUNCIL_OFFICERS),
    "review-plan:preview": ("GET", COUNCIL_OFFICERS),
    "review-plan:documents": ("GET", COUNCIL_OFFICERS | {"health"}),
    "review-plan:document-download": ("GET", COUNCIL_OFFICERS | {"health"}),
    "review-plan:letter-sending": ("GET", COUNCIL_OFFICERS),
    # Information governance: the IG lead only; emergency access only as the agreement allows.
    "governance:index": ("GET", {"iglead"}),
    "governance:access-by-child": ("GET", {"iglead"}),
    "governance:access-by-person": ("GET", {"iglead"}),
    "governance:break-glass-request": ("GET", BREAK_GLASS),
    "governance:break-glass-queue": ("GET", {"iglead"}),
    "governance:break-glass-attempts": ("GET", {"iglead"}),
    "governance:break-glass-review": ("GET", {"iglead"}),
    "governance:incident-list": ("GET", {"iglead"}),
    "governance:incident-new": ("GET", {"iglead"}),
    "governance:incident-detail": ("GET", {"iglead"}),
    "governance:incident-decision": ("GET", {"iglead"}),
    # Advice: the council and the adviser's own agency; writing only by the task holder (the
    # psychologist has claimed the EP advice task). Drafts and their files stay with the adviser.
    "workflows:advice:list": ("GET", EVERYONE),
    "workflows:advice:case": ("GET", COUNCIL_OFFICERS),
    "workflows:advice:download": ("GET", {"psychologist"}),
    "workflows:advice:extension": ("GET", COUNCIL_OFFICERS),
    "workflows:advice:detail": ("GET", COUNCIL_OFFICERS | {"psychologist"}),
    "workflows:advice:edit": ("GET", {"psychologist"}),
    "workflows:advice:entry-new": ("GET", {"psychologist"}),
    "workflows:advice:entry-edit": ("GET", {"psychologist"}),
    "workflows:advice:entry-remove": ("POST", {"psychologist"}),
    "workflows:advice:upload": ("POST", {"psychologist"}),
    "workflows:advice:attachment-remove": ("POST", {"psychologist"}),
    "workflows:advice:check": ("GET", {"psychologist"}),
    "workflows:advice:more-time": ("GET", {"psychologist"}),
    "workflows:advice:review": ("GET", COUNCIL_OFFICERS),
    "workflows:advice:chase": ("POST", COUNCIL_OFFICERS),
    "workflows:advice:cancel": ("GET", COUNCIL_OFFICERS),
    "workflows:advice:add": ("GET", COUNCIL_OFFICERS),
    # A review of the protected drafted child's plan: the council, and the school that arranges
    # its meeting (reg 20); its decision letter names no school, so both download it. Only the
    # council's officers start an early or interim review.
    "reviews:detail": ("GET", COUNCIL_OFFICERS | {"senco"}),
    "reviews:document-download": ("GET", COUNCIL_OFFICERS | {"senco"}),
    "workflows:review-start": ("GET", COUNCIL_OFFICERS),
    # Ceasing a plan: the council's officers record a mediation certificate, an appeal and the
    # Tribunal's decision on a review that is ceasing the plan, and cease a plan without a review.
    "reviews:cease-mediation": ("GET", COUNCIL_OFFICERS),
    "reviews:cease-appeal": ("GET", COUNCIL_OFFICERS),
    "reviews:cease-appeal-decision": ("GET", COUNCIL_OFFICERS),
    "reviews:cease-without-review": ("GET", COUNCIL_OFFICERS),
    # A cease without a review has no flow: its replies, notice and cease are recorded on pages.
    "reviews:cease-replies": ("GET", COUNCIL_OFFICERS),
    "reviews:cease-notice": ("GET", COUNCIL_OFFICERS),
    "reviews:cease-ceased": ("GET", COUNCIL_OFFICERS),
    # A move between post-16 institutions (reg 18(2)), recorded on an open review by the council.
    "reviews:post16-move": ("GET", COUNCIL_OFFICERS),
    # The Joint Agency Panel: its council's SEN team clerks it; its members see its meetings,
    # their own papers and the minutes; the chair confirms. Another council's clerk and the member
    # of another council's panel see their own panel's pages only (home, commitments).
    "panel:home": ("GET", COUNCIL_OFFICERS | PANEL | {"outsider", "other_health"}),
    "panel:requests": ("GET", COUNCIL_OFFICERS | {"admin", "outsider"}),
    "panel:request-new": ("GET", COUNCIL_OFFICERS),
    "panel:request": ("GET", COUNCIL_OFFICERS),
    "panel:request-edit": ("GET", COUNCIL_OFFICERS),
    "panel:request-ready": ("POST", COUNCIL_OFFICERS),
    "panel:request-withdraw": ("GET", COUNCIL_OFFICERS),
    "panel:meeting-new": ("GET", COUNCIL_OFFICERS | {"panelchair"}),
    "panel:meeting": ("GET", COUNCIL_OFFICERS | PANEL),
    "panel:meeting-agenda": ("POST", COUNCIL_OFFICERS),
    "panel:meeting-papers": ("POST", COUNCIL_OFFICERS | {"panelchair"}),
    "panel:meeting-open": ("POST", COUNCIL_OFFICERS | {"panelchair"}),
    "panel:meeting-attendance": ("POST", COUNCIL_OFFICERS | {"panelchair"}),
    "panel:meeting-close": ("POST", COUNCIL_OFFICERS | {"panelchair"}),
    "panel:meeting-reopen": ("POST", COUNCIL_OFFICERS | {"panelchair"}),
    "panel:meeting-confirm": ("POST", {"panelchair"}),
    "panel:meeting-cancel": ("GET", COUNCIL_OFFICERS | {"panelchair"}),
    "panel:item": ("GET", COUNCIL_OFFICERS | PANEL),
    "panel:document": ("GET", COUNCIL_OFFICERS | PANEL),  # the minutes
    "panel:commitments": ("GET", COUNCIL_OFFICERS | PANEL | {"outsider", "other_health"}),
    # In-app notices: everyone has a list; a notice opens (302 to its page) for its recipient only.
    "notifications:list": ("GET", EVERYONE),
    # Everyone chooses how they are told (their own choices only: the page takes no id).
    "notifications:preferences": ("GET", EVERYONE),
    "notifications:open": ("GET", {"psychologist"}),
    # GOV.UK Notify's delivery receipts: no person, signed in or not, gets in without its token.
    "notifications:notify-callback": ("POST", set()),
}
# GETs that succeed with a redirect
OPENS_BY_REDIRECT = {"notifications:open", "workflows:case-consult"}
PUBLIC = {"login", "favicon"}
# Called by another service with a bearer token, not by a browser: never sent to sign in, refused
# without the token (tests/notifications/test_receipts.py).
MACHINE = {"notifications:notify-callback"}
# Who may see protected whereabouts: only the manager holds the explicit permission.
WHEREABOUTS_ALLOWED = {"manager"}


def all_routes():
    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = (
                    ":".join(filter(None, [namespace, pattern.namespace]))
                    if pattern.namespace
                    else namespace
                )
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                name = ":".join(filter(None, [namespace, pattern.name or ""]))
                yield prefix + str(pattern.pattern), name

    return [
        (route, name)
        for route, name in walk(get_resolver().url_patterns)
        if not route.startswith("admin/")
    ]


@pytest.fixture
def world():
    User = get_user_model()
    council = Agency.objects.create(name="Exampleshire SEN team", kind=AgencyKind.SEN_TEAM)
    ep = Agency.objects.create(name="EP service", kind=AgencyKind.EP_SERVICE)
    health = Agency.objects.create(name="Health trust", kind=AgencyKind.HEALTH)
    social = Agency.objects.create(name="Children's social care", kind=AgencyKind.SOCIAL_CARE)
    school = Agency.objects.create(name="Marker Hill School", kind=AgencyKind.SCHOOL)
    other_council = Agency.objects.create(name="Otherton SEN team", kind=AgencyKind.SEN_TEAM)
    other_trust = Agency.objects.create(name="Otherton trust", kind=AgencyKind.HEALTH)
    clinic = Agency.objects.create(name="Unsigned Therapy Clinic", kind=AgencyKind.HEALTH)
    agreement = SharingAgreement.objects.create(
        reference="Exampleshire SEND ISA v3", council=council, starts_on=date(2021, 6, 3)
    )
    agreement.parties.set([ep, health, social, school])
    people = {}

    def person(username, agency, role, **flags):
        user = User.objects.create_user(
            username,
            first_name=username.title(),
            is_staff=username == "admin",
            is_superuser=username == "admin",
        )
        Membership.objects.create(user=user, agency=agency, role=role, **flags)
        people[username] = user

    person("caseworker", council, Role.CASEWORKER)
    person("manager", council, Role.SEN_MANAGER, may_see_protected_whereabouts=True)
    person("panelmember", council, Role.PANEL_MEMBER)
    person("panelchair", council, Role.PANEL_CHAIR)
    person("admin", council, Role.ADMINISTRATOR)
    person("iglead", council, Role.IG_LEAD)
    person("psychologist", ep, Role.EDUCATIONAL_PSYCHOLOGIST)
    person("health", health, Role.HEALTH_ADVISER)
    person("socialcare", social, Role.SOCIAL_CARE_ADVISER)
    person("senco", school, Role.SENCO)
    person("outsider", other_council, Role.CASEWORKER)
    person("other_health", other_trust, Role.HEALTH_ADVISER)
    person("non_party", clinic, Role.HEALTH_ADVISER)

    caseworker = people["caseworker"]
    case = workflow_services.assessment_request_receive(
        council=council,
        child_details=ChildDetails(
            first_name=NAME_MARKER,
            last_name="Example",
            date_of_birth=date(2015, 3, 1),
            upn="A123456789012",
            address="WHEREABOUTS-ADDR-7741 Hidden Lane",
            postcode="ZZ9 9ZQ",
            protected_whereabouts=True,
            current_setting=school,
            primary_need="SEMH",
        ),
        parents=[
            ParentDetails(
                name="Parent Example", relationship="mother", phone="WHEREABOUTS-PHONE-0700"
            )
        ],
        requested_by="SETTING",
        requester_name=f"SENCo, {SCHOOL_MARKER}",
        received_on=date(2026, 9, 1),
        reasons="Anxiety and attendance",
        caseworker=caseworker,
        by=caseworker,
        today=TODAY,
    )
    consent = child_services.consent_record(
        child=case.child,
        case=case,
        purpose="STATUTORY_ASSESSMENT",
        agencies=[council, ep, health, social, school],
        given_by="PARENT",
        given_by_name="Parent Example",
        given_on=date(2026, 9, 2),
        method="WRITTEN",
        by=caseworker,
        today=TODAY,
    )
    task = CaseTask.objects.human().open().get(case=case)
    workflow_services.task_complete(
        task=task,
        user=caseworker,
        perform=lambda c: assessment_services.case_assessment_decide(
            case=c,
            assess=True,
            decided_on=date(2026, 9, 10),
            advice=[
                AdviceToSeek("PARENT_VIEWS", council),
                AdviceToSeek("PSYCHOLOGICAL", ep),
                AdviceToSeek("HEALTH", health),
                AdviceToSeek("SOCIAL_CARE", social),
                AdviceToSeek("EDUCATIONAL", school),
            ],
            by=caseworker,
            today=TODAY,
        ),
    )
    assert AdviceRequest.objects.get(case=case, kind="PARENT_VIEWS").agency == council
    other = workflow_services.assessment_request_receive(
        council=council,
        child_details=ChildDetails(
            first_name=OTHER_NAME_MARKER, last_name="Example", date_of_birth=date(2014, 1, 1)
        ),
        requested_by="PARENT",
        requester_name="",
        received_on=date(2026, 9, 20),
        reasons="Speech",
        caseworker=caseworker,
        by=caseworker,
        today=TODAY,
    )
    workflow_services.task_complete(
        task=CaseTask.objects.human().open().get(case=other),
        user=caseworker,
        perform=lambda c: assessment_services.case_assessment_decide(
            case=c,
            assess=False,
            decided_on=TODAY,
            reasons="Needs met at SEN support",
            by=caseworker,
            today=TODAY,
        ),
    )
    # A second protected child, asked for by the school, at "draft plan issued": every kind of
    # advice (the school's educational advice is in section K), a draft plan and its letter.
    cast = factories.Cast(
        council=council,
        health=health,
        ep=ep,
        social_care=social,
        school=school,
        caseworker=caseworker,
        manager=people["manager"],
        health_adviser=people["health"],
        psychologist=people["psychologist"],
        social_worker=people["socialcare"],
        senco=people["senco"],
        outsider=people["outsider"],
    )
    drafted = factories.CaseWalk(
        cast, when=factories.Calendar(received_on=date(2026, 6, 1)), advice=factories.ALL_ADVICE
    )
    drafted.receive(
        child_details=ChildDetails(
            first_name=NAME_MARKER,
            last_name="Drafted",
            date_of_birth=date(2016, 4, 2),
            protected_whereabouts=True,
            address="WHEREABOUTS-ADDR-7741 Other Lane",
            postcode="ZZ9 9ZQ",
            current_setting=school,
        ),
        parents=[
            ParentDetails(
                name="Parent Drafted", relationship="father", phone="WHEREABOUTS-PHONE-0700"
            )
        ],
        requested_by="SETTING",
        requester_name=f"SENCo, {SCHOOL_MARKER}",
    )
    for step in (
        drafted.consent,
        drafted.decide_to_assess,
        drafted.gather_advice,
        drafted.decide_to_issue,
        drafted.issue_draft,
    ):
        step()
    rendering.document_render_pending()
    letter = PlanDocument.objects.get(case=other)
    draft_plan = PlanDocument.objects.get(case=drafted.case, kind="DRAFT_PLAN")

    case.refresh_from_db()
    plan = plan_services.plan_get_or_create(case=case, by=caseworker)
    need = plan_services.need_save(
        plan=plan, section="B", text="Anxiety affects attendance", by=caseworker
    )
    outcome = plan_services.outcome_save(
        plan=plan, text="Attends school full time", needs=[need], by=caseworker
    )
    provision = plan_services.provision_save(
        plan=plan,
        section="G",
        what="CAMHS sessions",
        who="Clinical psychologist",
        frequency_count=1,
        frequency_period="WEEK",
        session_minutes=50,
        needs=[need],
        outcomes=[outcome],
        by=caseworker,
    )
    # An expired emergency grant (reviewable, but it opens nothing) and an incident.
    grant = BreakGlassGrant.objects.create(
        case=other,
        user=people["outsider"],
        reason="COVER",
        justification="Covering a colleague's caseload",
        granted_at=timezone.make_aware(datetime(2026, 9, 29, 9, 0)),
        expires_at=timezone.make_aware(datetime(2026, 9, 29, 10, 0)),
    )
    incident = governance_services.incident_record(
        kind="C",
        description="A letter went to the wrong address",
        aware_at=timezone.make_aware(datetime(2026, 9, 30, 9, 0)),
        affected_children=[case.child],
        by=people["iglead"],
        now=timezone.make_aware(datetime(2026, 9, 30, 10, 0)),
    )
    # The psychologist claims the EP advice task and drafts: an entry, an attachment, a request for time.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ehcp.assessments.services.advice import (
        EntryInput,
        advice_entry_save,
        attachment_add,
        extension_request,
    )

    ep_advice = AdviceRequest.objects.get(case=case, kind="PSYCHOLOGICAL")
    ep_task = CaseTask.objects.get(case=case, agency=ep, flow_task_type="HUMAN")
    workflow_services.task_claim(task=ep_task, user=people["psychologist"])
    entry = advice_entry_save(
        advice=ep_advice,
        data=EntryInput(kind="NEED", plan_section="B", text="Needs a calm space"),
        by=people["psychologist"],
    )
    attachment = attachment_add(
        advice=ep_advice,
        files=[SimpleUploadedFile("report.pdf", b"%PDF-1.4 test", content_type="application/pdf")],
        by=people["psychologist"],
    )[0]
    extension = extension_request(
        advice=ep_advice,
        new_date=date(2026, 11, 1),
        reason="Waiting for an observation in class",
        by=people["psychologist"],
        today=TODAY,
    )
    # An exception still going on: the page to record its end date.
    exception = assessment_services.exception_record(
        case=case,
        period_code="EHCP-NOT-ISSUE-16W",
        limb="10(4)(c)",
        starts_on=date(2026, 9, 20),
        ends_on=None,
        ongoing=True,
        ongoing_evidence="Consultant's letter",
        evidence="Hospital admission",
        reasoning="The child could not be seen for assessment",
        family_told_on=date(2026, 9, 21),
        by=caseworker,
        today=TODAY,
    )
    health_task = CaseTask.objects.get(case=case, agency=health, flow_task_type="HUMAN")
    # A record to end (the child is 11: the service would refuse it, the page is what is walked).
    young_person_record = YoungPersonRecord.objects.create(
        child=case.child,
        kind="PARENT_INCLUDED",
        from_on=date(2026, 9, 2),
        reason="Recorded for the walk",
        recorded_by=caseworker,
    )
    # A plan in force for the protected child, proposed to cease after a review: the notice sent,
    # the time to appeal running, the child's school consulted (a whereabouts fact). And the
    # drafted child's earlier plan, in force, for ceasing without a review.
    ceasing_plan = EhcPlan.objects.create(
        child=case.child,
        council=council,
        status=EhcPlanStatus.IN_FORCE,
        first_issued_on=date(2025, 9, 1),
    )
    ceasing = Review(
        ehc_plan=ceasing_plan,
        child=case.child,
        council=council,
        caseworker=caseworker,
        status=ReviewStatus.CEASING,
        started_on=date(2026, 6, 1),
        started_by=caseworker,
        period_starts_on=date(2025, 9, 1),
        arranged_under=ArrangedUnder.SETTING,
        arranged_by=school,
        meeting_held_on=date(2026, 7, 1),
        report_received_on=date(2026, 7, 8),
        decision="CEASE",
        decided_on=date(2026, 7, 15),
        decision_reasons="Needs met at SEN support",
        cease_reason="2",
        cease_consulted_on=date(2026, 7, 15),
        cease_consulted_setting=school,
        cease_replied_on=date(2026, 7, 29),
        cease_consultation_reply=f"{SCHOOL_MARKER} agrees",
        cease_notice_on=date(2026, 8, 3),
        cease_notice_sent_on=date(2026, 8, 3),
    )
    ceasing.set_statutory_dates()
    ceasing.set_appeal_window()
    ceasing.save()
    in_force = EhcPlan.objects.create(
        child=drafted.case.child,
        council=council,
        status=EhcPlanStatus.IN_FORCE,
        first_issued_on=date(2025, 1, 6),
    )
    # A third child, whose plan is in force (made by an assessment that consulted and named
    # another school, which is no marker), and a review of it that is amending the plan: its
    # working copy, the proposed amended plan (rendered) and the amendment notice. The school
    # arranges the review (reg 20); the health trust is invited to it.
    brookside = Agency.objects.create(name="Brookside Academy", kind=AgencyKind.SCHOOL)
    person("brookside_senco", brookside, Role.SENCO)
    made = (
        factories.CaseWalk(
            dataclasses.replace(cast, school=brookside, senco=people["brookside_senco"]),
            when=factories.Calendar(received_on=date(2026, 3, 2)),
        )
        .to("FINAL_ISSUED")
        .case
    )
    review = Review(
        ehc_plan=made.ehc_plan,
        child=made.child,
        council=council,
        caseworker=caseworker,
        status=ReviewStatus.REPORTED,  # the steps before the report are the review services'
        started_on=date(2026, 8, 3),
        started_by=caseworker,
        period_starts_on=made.ehc_plan.first_issued_on,
        arranged_under=ArrangedUnder.SETTING,
        arranged_by=brookside,
        meeting_on=date(2026, 9, 1),
        meeting_held_on=date(2026, 9, 1),
        report_received_on=date(2026, 9, 8),
        recommendation="AMEND",
        report_summary="More support with writing",
    )
    review.set_statutory_dates()
    review.save()
    ReviewInvitee.objects.create(review=review, role="HEALTH", agency=health)
    review_plan = amendment.review_plan_seed(review=review, by=caseworker)
    review_need = plan_services.need_save(
        plan=review_plan, section="B", text="Finds writing tasks hard to start", by=caseworker
    )
    review_provision = review_plan.provisions.first()
    plan_services.provision_save(
        plan=review_plan,
        provision=review_provision,
        section="F",
        what=review_provision.what,
        who=review_provision.who,
        frequency_count=review_provision.frequency_count,
        frequency_period=review_provision.frequency_period,
        session_minutes=review_provision.session_minutes,
        ends_on=review_provision.ends_on,
        needs=[*review_provision.needs.all(), review_need],
        outcomes=list(review_provision.outcomes.all()),
        by=caseworker,
    )
    review_g = plan_services.provision_save(
        plan=review_plan,
        section="G",
        what="Occupational therapy assessment",
        who="Occupational therapist",
        frequency_count=1,
        frequency_period="TERM",
        session_minutes=60,
        ends_on=date(2027, 7, 20),
        needs=[review_need],
        outcomes=list(review_provision.outcomes.all()),
        by=caseworker,
    )
    plan_services.provision_health_agree(
        provision=review_g,
        agreed_on=date(2026, 9, 10),
        note="Letter from the trust",
        by=caseworker,
        today=TODAY,
    )
    review = amendment.amendment_notice_issue(
        review=review,
        decided_on=date(2026, 9, 15),
        reasons="More support with writing",
        by=caseworker,
        today=TODAY,
    )
    proposed = rendering.document_render(
        DocumentRender.objects.get(review=review, kind="DRAFT_PLAN").pk
    )
    review_routes = {
        "public_id": review.public_id,
        "entry_id": review_need.public_id,
        "document_id": proposed.public_id,
        "letter_id": DocumentRender.objects.get(review=review, kind="AMENDMENT_NOTICE").public_id,
    }
    # The drafted child's plan, reviewed and kept: its school arranged the meeting (reg 20) and
    # the council decided within 4 weeks; the decision letter is rendered.
    kept_review = workflow_services.review_start(
        ehc_plan=in_force, kind="ANNUAL", by=caseworker, today=date(2025, 9, 1)
    )
    senco = people["senco"]
    for name, perform in (
        (
            "arrange_meeting",
            lambda r: review_services.review_meeting_arrange(
                review=r, meeting_on=date(2025, 11, 3), by=senco, today=date(2025, 9, 2)
            ),
        ),
        (
            "send_invitations",
            lambda r: review_services.review_invitations_send(
                review=r, sent_on=date(2025, 10, 1), by=senco, today=date(2025, 10, 1)
            ),
        ),
        (
            "circulate_advice",
            lambda r: review_services.review_advice_circulate(
                review=r, circulated_on=date(2025, 10, 15), by=senco, today=date(2025, 10, 15)
            ),
        ),
        (
            "hold_meeting",
            lambda r: review_services.review_meeting_hold(
                review=r,
                held_on=date(2025, 11, 3),
                attended=[i.pk for i in r.invitees.all()],
                family_views="Settled at school",
                by=senco,
                today=date(2025, 11, 3),
            ),
        ),
        (
            "write_report",
            lambda r: review_services.review_report_record(
                review=r,
                received_on=date(2025, 11, 10),
                recommendation="MAINTAIN",
                summary="Good progress",
                by=senco,
                today=date(2025, 11, 10),
            ),
        ),
        (
            "decide",
            lambda r: review_services.review_decide(
                review=r,
                decision="MAINTAIN",
                decided_on=date(2025, 11, 20),
                reasons="Outcomes on track",
                by=caseworker,
                today=date(2025, 11, 20),
                sent=factories.emailed(date(2025, 11, 20)),
            ),
        ),
    ):
        step = CaseTask.objects.human().open().get(review=kept_review)
        assert step.flow_task.name == name
        worker = caseworker if name == "decide" else senco
        if step.owner_id is None:
            workflow_services.task_claim(task=step, user=worker)
        workflow_services.task_complete(task=step, user=worker, perform=perform)
    # Then the family moves out of England: the council tells them it is considering ceasing the
    # plan without a review and consults the school (reg 31(1)); the replies are awaited.
    cease_only = cease_services.cease_without_review(
        ehc_plan=in_force,
        reason=CeaseReason.MOVED_OUT,
        reasons="Moved to Wales",
        on=date(2026, 9, 1),
        by=caseworker,
        today=TODAY,
        sent=factories.emailed(date(2026, 9, 1)),
    )
    # Every queued document: the third child's final plan and letter, the amending review's
    # notice and the kept review's decision letter (walked by every person below).
    rendering.document_render_pending()
    review_letter = PlanDocument.objects.get(review=kept_review)
    panel_world = _panel_world(
        people=people,
        person=person,
        council=council,
        health=health,
        social=social,
        other_council=other_council,
        other_trust=other_trust,
        plan=made.ehc_plan,
    )
    params = {
        "public_id": case.public_id,
        "review_id": ceasing.public_id,
        "plan_id": in_force.public_id,
        "task_id": health_task.public_id,
        "consent_id": consent.public_id,
        "entry_id": need.public_id,
        "kind": "needs",
        "advice_id": ep_advice.public_id,
        "case_id": case.public_id,
        "attachment_id": attachment.public_id,
        "extension_id": extension.public_id,
        "exception_id": exception.public_id,
        "record_id": young_person_record.public_id,
    }
    route_params = {
        "ehcp:plan:outcome-edit": {"entry_id": outcome.public_id},
        "ehcp:plan:provision-edit": {"entry_id": provision.public_id},
        "ehcp:plan:provision-agree": {"entry_id": provision.public_id},
        "ehcp:plan:documents": {"public_id": drafted.case.public_id},
        "children:child-detail": {"public_id": case.child.public_id},
        "workflows:child-request": {"child_id": case.child.public_id},
        "ehcp:plan:document-download": {
            "public_id": drafted.case.public_id,
            "document_id": draft_plan.public_id,
        },
        "ehcp:plan:letter-sending": {
            "public_id": drafted.case.public_id,
            "letter_id": DocumentRender.objects.get(
                case=drafted.case, kind="DRAFT_LETTER"
            ).public_id,
        },
        **{name: review_routes for name in EXPECTED if name.startswith("review-plan:")},
        "review-plan:provision-agree": {**review_routes, "entry_id": review_g.public_id},
        "review-plan:provision-edit": {**review_routes, "entry_id": review_g.public_id},
        "review-plan:outcome-edit": {
            **review_routes,
            "entry_id": review_plan.outcomes.first().public_id,
        },
        "governance:break-glass-review": {"public_id": grant.public_id},
        "workflows:advice:entry-new": {"kind": "need"},
        "workflows:advice:entry-edit": {"entry_id": entry.public_id},
        "workflows:advice:entry-remove": {"entry_id": entry.public_id},
        "governance:incident-detail": {"public_id": incident.public_id},
        "reviews:detail": {"public_id": kept_review.public_id},
        **{
            f"reviews:cease-{step}": {"review_id": cease_only.public_id}
            for step in ("replies", "notice", "ceased")
        },
        "reviews:document-download": {
            "public_id": kept_review.public_id,
            "document_id": review_letter.public_id,
        },
        "governance:incident-decision": {"public_id": incident.public_id},
        **panel_world["route_params"],
        # the psychologist's notice that advice was asked of the EP service
        "notifications:open": {
            "notice_id": Notice.objects.filter(recipient=people["psychologist"]).first().public_id
        },
    }
    return {
        "people": people,
        "case": case,
        "params": params,
        "route_params": route_params,
        "health_task": health_task,
        "other": other,
        "drafted": drafted.case,
        "letter": letter,
        "review": review,
        "kept_review": kept_review,
        "cease_only": cease_only,
        "made": made,
        "panel": panel_world,
    }


def _panel_world(*, people, person, council, health, social, other_council, other_trust, plan):
    """The council's Joint Agency Panel (panelchair and panelmember for the council, two partner
    members who are not walked), a meeting whose decision the chair confirmed (papers, minutes and
    letters issued), a draft request; and another council's panel, clerked by the outsider, on
    which the other council's health adviser sits."""
    from decimal import Decimal

    from ehcp.children.models import ConsentRecord
    from panel.models import Panel, PanelMember
    from panel.services import meetings, requests

    caseworker = people["caseworker"]
    person("panel_health", health, Role.PANEL_MEMBER)
    person("panel_social", social, Role.PANEL_MEMBER)
    panel = Panel.objects.create(
        council=council,
        name="Exampleshire Joint Agency Panel",
        remit="Joint funding",
        health_funder=health,
        social_care_funder=social,
    )
    for username, agency, role, funder in (
        ("panelchair", council, "CHAIR", "EDUCATION"),
        ("panelmember", council, "MEMBER", "EDUCATION"),
        ("panel_health", health, "MEMBER", "HEALTH"),
        ("panel_social", social, "MEMBER", "SOCIAL_CARE"),
    ):
        PanelMember.objects.create(
            panel=panel,
            user=people[username],
            agency=agency,
            role=role,
            funder=funder,
            joined_on=date(2025, 1, 1),
        )
    other_panel = Panel.objects.create(council=other_council, name="Otherton panel", remit="x")
    PanelMember.objects.create(
        panel=other_panel,
        user=people["other_health"],
        agency=other_trust,
        funder="HEALTH",
        joined_on=date(2025, 1, 1),
    )
    consent = ConsentRecord.objects.create(
        child=plan.child,
        purpose="HIGH_NEEDS_FUNDING",
        given_by="PARENT",
        given_by_name="Parent",
        given_on=date(2026, 9, 1),
        method="WRITTEN",
        recorded_by=caseworker,
    )
    consent.agencies.set([health, social])
    details = {
        "ehc_plan": plan,
        "panel": panel,
        "kind": "JOINT_PLACEMENT",
        "summary": "A joint placement with therapy on site",
        "provider_name": "Riverbend Specialist Centre",
        "evidence_notes": "EP report",
        "proposed_cost": Decimal("54000.00"),
        "starts_on": date(2026, 11, 1),
        "shares": {
            "EDUCATION": Decimal("60"),
            "HEALTH": Decimal("25"),
            "SOCIAL_CARE": Decimal("15"),
        },
        "by": caseworker,
        "today": TODAY,
    }
    from ehcp.plans.selectors import plan_in_force

    provision = plan_in_force(plan.pk).content["sections"]["F"][0]
    decided = requests.request_raise(
        **details, options_tried="Outreach for a term", plan_entry_keys=[provision["key"]]
    )
    draft = requests.request_raise(**details)  # no options tried yet: evidence to complete
    meeting = meetings.meeting_schedule(
        panel=panel, meets_on=date(2026, 9, 24), by=caseworker, today=date(2026, 9, 20)
    )
    item = meetings.agenda_add(meeting=meeting, request=decided, by=caseworker)
    chair = people["panelchair"]

    def at(hour):
        return timezone.make_aware(datetime(2026, 9, 24, hour, 0))

    meetings.papers_send(meeting=meeting, by=caseworker, now=at(8))
    meetings.meeting_open(meeting=meeting, by=chair, now=at(10))
    for member in PanelMember.objects.filter(panel=panel):
        meetings.attendance_record(
            meeting=meeting, member=member, status="PRESENT", by=chair, now=at(10)
        )
    meetings.decision_record(
        item=item,
        by=people["panelmember"],
        now=at(11),
        outcome="APPROVE",
        reasons="Local options exhausted",
        agreed_cost=Decimal("54000.00"),
        shares=details["shares"],
        starts_on=date(2026, 11, 1),
        review_on=date(2027, 10, 31),
    )
    meetings.meeting_close(meeting=meeting, by=chair, now=at(12))
    meetings.meeting_confirm(meeting=meeting, by=chair, now=at(13))
    minutes = meeting.documents.get(kind="MINUTES")
    draft_routes = {"public_id": draft.public_id}
    return {
        "panel": panel,
        "meeting": meeting,
        "decided": decided,
        "route_params": {
            "panel:request": {"public_id": decided.public_id},
            "panel:request-edit": draft_routes,
            "panel:request-ready": draft_routes,
            "panel:request-withdraw": draft_routes,
            "panel:meeting-new": {"panel_id": panel.public_id},
            **{
                name: {"public_id": meeting.public_id}
                for name in EXPECTED
                if name.startswith("panel:meeting-") and name != "panel:meeting-new"
            },
            "panel:meeting": {"public_id": meeting.public_id},
            "panel:item": {"public_id": item.public_id},
            "panel:document": {"public_id": minutes.public_id},
        },
    }


def pdf_text(response) -> str:
    """The text of a downloaded PDF (an uploaded file that is not a real PDF: its bytes)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    data = b"".join(response.streaming_content) if response.streaming else response.content
    try:
        pages = PdfReader(io.BytesIO(data)).pages
        return " ".join(" ".join((page.extract_text() or "").split()) for page in pages)
    except PdfReadError:
        return data.decode("latin-1")


def leaked_whereabouts(text: str, username: str, *, about_child: bool) -> list[str]:
    """The whereabouts markers in `text` that this person may not see (the SENCo works at the
    child's school, so its name is no secret to them)."""
    if username in WHEREABOUTS_ALLOWED:
        return []
    markers = WHEREABOUTS_MARKERS + (
        (SCHOOL_MARKER,) if about_child and username != "senco" else ()
    )
    return [m for m in markers if m in text]


def params_for(world, name):
    return {**world["params"], **world["route_params"].get(name, {})}


def url_for(route: str, params: dict) -> str:
    import re

    def fill(match):
        name = match.group(2)
        assert name in params, (
            f"No test value for <{match.group(1)}:{name}> in {route}: add one to the walk"
        )
        return str(params[name])

    return "/" + re.sub(r"<(\w+):(\w+)>", fill, route)


def test_every_route_is_declared():
    """Deny by default: a route nobody has declared access for fails here (AC-01)."""
    undeclared = sorted(name for _, name in all_routes() if name not in EXPECTED)
    assert undeclared == []


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for route, name in all_routes():
        if name in PUBLIC:
            continue
        method, _ = EXPECTED[name]
        response = getattr(client, method.lower())(url_for(route, params_for(world, name)))
        if name in MACHINE:
            assert response.status_code in (401, 403), (name, response.status_code)
            continue
        assert response.status_code in (302, 405), (name, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith("/sign-in/"), name


@pytest.mark.parametrize("username", sorted(EVERYONE))
@time_machine.travel(TODAY)
def test_each_person_gets_exactly_what_the_access_table_allows(client, world, username):
    user = world["people"][username]
    client.force_login(user)
    problems = []
    for route, name in all_routes():
        method, allowed = EXPECTED[name]
        url = url_for(route, params_for(world, name))
        data = {"user": world["people"]["health"].pk} if name == "workflows:task-reassign" else {}
        before = CaseTask.objects.filter(owner__isnull=False).count()
        response = getattr(client, method.lower())(url, data)
        ok = response.status_code == 200 or (method == "POST" and response.status_code == 302)
        if name in OPENS_BY_REDIRECT:
            ok = response.status_code == 302 and not response["Location"].startswith("/sign-in/")
        if method == "POST" and name.startswith("workflows:task-") and response.status_code == 302:
            # the action view redirects either way; success is whether anything changed
            ok = CaseTask.objects.filter(owner__isnull=False).count() != before
        if ok != (username in allowed):
            problems.append((name, method, response.status_code))
        if response.status_code == 200 and response["Content-Type"] == "application/pdf":
            leaked = leaked_whereabouts(pdf_text(response), username, about_child=True)
            if leaked:
                problems.append((name, "PDF leaks whereabouts", leaked))
        if response.status_code == 200 and response["Content-Type"].startswith("text/"):
            body = response.content.decode()
            leaked = leaked_whereabouts(body, username, about_child=name not in NOT_CHILD_PAGES)
            if leaked:
                problems.append((name, "leaks whereabouts", leaked))
            ig_work = username == "iglead" and name.startswith(
                "governance:"
            )  # incidents name affected children
            if (
                username not in COUNCIL_OFFICERS | PARTNERS | {"admin"}
                and NAME_MARKER in body
                and not ig_work
            ):
                problems.append((name, "shows a child they have no relationship to"))
            if username in PARTNERS and OTHER_NAME_MARKER in body:
                problems.append((name, "shows a child their agency has no task for"))
        world["health_task"].refresh_from_db()
    assert problems == [], f"{username}: {problems}"


@pytest.mark.parametrize("username", sorted(EVERYONE))
@time_machine.travel(TODAY)
def test_the_pages_of_a_case_with_a_draft_plan_hide_whereabouts(client, world, username):
    """The case's own pages again, for the protected child whose draft is issued (advice from the
    school received, so section K, the comparison and the plan forms have a school to name)."""
    client.force_login(world["people"][username])
    drafted = world["drafted"]
    problems = []
    for route, name in all_routes():
        method, _ = EXPECTED[name]
        if method != "GET" or "<uuid:public_id>" not in route or name in NOT_CHILD_PAGES:
            continue
        public_id = (
            drafted.child.public_id if name == "children:child-detail" else drafted.public_id
        )
        response = client.get(url_for(route, {**params_for(world, name), "public_id": public_id}))
        if response.status_code == 200 and response["Content-Type"].startswith("text/"):
            leaked = leaked_whereabouts(response.content.decode(), username, about_child=True)
            if leaked:
                problems.append((name, leaked))
    assert problems == [], f"{username}: {problems}"


@pytest.mark.parametrize("username", sorted(EVERYONE))
@time_machine.travel(TODAY)
def test_every_issued_document_as_every_person(client, world, username):
    """Every plan and letter in the world (the draft plan and its letter of the protected child,
    the refusal letter of the other child, the third child's final plan and its letter, the
    proposed amended plan and the amendment notice of its review, the kept review's decision
    letter, the letter telling the family that ceasing is considered): who may download it, and
    no whereabouts in the PDF."""
    client.force_login(world["people"][username])
    may = {
        world["drafted"]: COUNCIL_OFFICERS | PARTNERS,  # partners on the case; not the panel
        world["letter"].case: COUNCIL_OFFICERS,  # refused: no partner was ever involved
        # the third child's assessment asked the health trust and the EP service for advice
        world["made"]: COUNCIL_OFFICERS | {"health", "psychologist"},
        world["review"]: COUNCIL_OFFICERS | {"health"},  # the health trust invited to the review
        world["kept_review"]: COUNCIL_OFFICERS | {"senco"},  # the school arranged it
        world["cease_only"]: COUNCIL_OFFICERS,  # ceasing without a review: the council's letter
    }
    documents = PlanDocument.objects.select_related("case", "review").order_by("pk")
    assert {d.kind for d in documents} == {
        "DRAFT_PLAN",
        "DRAFT_LETTER",
        "REFUSAL_LETTER",
        "FINAL_PLAN",
        "FINAL_LETTER",
        "AMENDMENT_NOTICE",
        "REVIEW_DECISION",
        "CEASE_CONSULT_LETTER",
    }
    problems = []
    for document in documents:
        urls = (
            [
                f"/reviews/{document.review.public_id}/documents/{document.public_id}/",
                f"/reviews/{document.review.public_id}/plan/documents/{document.public_id}/",
            ]
            if document.review_id
            else [f"/cases/{document.case.public_id}/plan/documents/{document.public_id}/"]
        )
        url = urls[0]
        for other in urls[1:]:
            response = client.get(other)
            if (response.status_code == 200) != (username in may[document.episode]):
                problems.append((document.kind, other, response.status_code))
        response = client.get(url)
        if (response.status_code == 200) != (username in may[document.episode]):
            problems.append((document.kind, response.status_code))
        if response.status_code == 200:
            assert response["Content-Type"] == "application/pdf"
            leaked = leaked_whereabouts(pdf_text(response), username, about_child=True)
            if leaked:
                problems.append((document.kind, "PDF leaks whereabouts", leaked))
    assert problems == [], f"{username}: {problems}"


@time_machine.travel(TODAY)
def test_forged_fields_are_ignored(client, world):
    """Agency, owner and status come from the database, never from the request (AC-05, IN-04)."""
    other = Agency.objects.get(name="Otherton SEN team")
    client.force_login(world["people"]["caseworker"])
    client.post(
        "/tasks/new-request/",
        {
            "first_name": "Forge",
            "last_name": "Test",
            "date_of_birth_0": "1",
            "date_of_birth_1": "1",
            "date_of_birth_2": "2015",
            "requested_by": "PARENT",
            "received_on_0": "30",
            "received_on_1": "9",
            "received_on_2": "2026",
            "reasons": "x",
            "council": other.pk,
            "status": "FINAL_ISSUED",
            "final_plan_due_on": "2030-01-01",
        },
    )
    case = Assessment.objects.get(child__first_name="Forge")
    assert case.council.name == "Exampleshire SEN team"
    assert case.status == "REQUESTED" and case.final_plan_due_on == date(2027, 2, 17)
    # A caseworker from another council is not a choice: the form refuses and nothing is saved.
    response = client.post(
        "/tasks/new-request/",
        {
            "first_name": "Forge2",
            "last_name": "Test",
            "date_of_birth_0": "1",
            "date_of_birth_1": "1",
            "date_of_birth_2": "2015",
            "requested_by": "PARENT",
            "received_on_0": "30",
            "received_on_1": "9",
            "received_on_2": "2026",
            "reasons": "x",
            "caseworker": world["people"]["outsider"].pk,
        },
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Assessment.objects.filter(child__first_name="Forge2").exists()

    client.force_login(world["people"]["health"])
    task = world["health_task"]
    client.post(f"/tasks/{task.public_id}/claim/", {"owner": world["people"]["psychologist"].pk})
    task.refresh_from_db()
    assert task.owner == world["people"]["health"]


@time_machine.travel(TODAY)
def test_a_member_of_an_agency_outside_the_agreement_cannot_break_glass(client, world):
    """The probe in issue 7 (AC-07): a partner outside the sharing agreement, with every detail of
    the child right, gets a 403 and nothing else; a party's adviser with the same details gets in."""
    other = world["other"]  # a child no partner has a task for
    details = {
        "case_reference": other.reference,
        "date_of_birth_0": "1",
        "date_of_birth_1": "1",
        "date_of_birth_2": "2014",
        "child_identifier": "Example",
        "reason": "SAFEGUARDING",
        "justification": "Safeguarding referral received this morning, need the plan",
    }
    client.force_login(world["people"]["non_party"])
    for reference in (other.reference, world["case"].reference):
        response = client.post("/governance/break-glass/", {**details, "case_reference": reference})
        assert response.status_code == 403
        assert "You cannot get emergency access to a case" in response.content.decode()
    assert client.get(f"/cases/{other.public_id}/").status_code == 404
    assert not BreakGlassGrant.objects.filter(user=world["people"]["non_party"]).exists()
    assert (
        BreakGlassAttempt.objects.filter(
            user=world["people"]["non_party"], outcome="NOT_ALLOWED"
        ).count()
        == 2
    )

    client.force_login(world["people"]["psychologist"])
    assert client.get(f"/cases/{other.public_id}/").status_code == 404
    response = client.post("/governance/break-glass/", details)
    assert response.status_code == 302 and response["Location"] == f"/cases/{other.public_id}/"
    assert client.get(f"/cases/{other.public_id}/").status_code == 200


@pytest.mark.parametrize("username", sorted(EVERYONE))
@time_machine.travel(TODAY)
def test_every_panel_document_as_every_person(client, world, username):
    """The confirmed meeting's documents: each member's papers go to that member (and the council's
    SEN team); the minutes to everyone on the panel; the letters to the SEN team, which sends
    them. Nobody else opens any of them, and the PDFs are what the record says."""
    from panel.models import PanelDocument

    client.force_login(world["people"][username])
    meeting = world["panel"]["meeting"]
    documents = list(PanelDocument.objects.filter(meeting=meeting).select_related("member__user"))
    assert {d.kind for d in documents} == {"PAPERS", "MINUTES", "FAMILY_LETTER", "PROVIDER_LETTER"}
    problems = []
    for document in documents:
        if document.kind == "PAPERS":
            may = COUNCIL_OFFICERS | {document.member.user.username}
        elif document.kind == "MINUTES":
            may = COUNCIL_OFFICERS | PANEL
        else:
            may = COUNCIL_OFFICERS
        response = client.get(f"/panel/documents/{document.public_id}/")
        if (response.status_code == 200) != (username in may):
            problems.append((document.kind, response.status_code))
        if response.status_code == 200:
            assert response["Content-Type"] == "application/pdf"
            text = pdf_text(response)
            assert "WHEREABOUTS" not in text
            expected = {
                "PAPERS": "A joint placement with therapy on site",
                "MINUTES": "Local options exhausted",
                "FAMILY_LETTER": "Local options exhausted",
                "PROVIDER_LETTER": "£54,000.00",
            }[document.kind]
            assert expected in text, document.kind
    assert problems == [], f"{username}: {problems}"
