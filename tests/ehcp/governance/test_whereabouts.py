"""Protected whereabouts never leak, and a partner is someone who works the agency's queue (DM-02,
AC-04, issue 7).

The child's school ("Riverside Primary") is a whereabouts fact when the child's whereabouts are
protected: it is withheld from the plan's section K (live and frozen, and so from the draft PDF),
the plan comparison and history, the plan forms, the consent and exception forms, the consent gate
message and the request's "Requested by". The SEN manager here holds the explicit permission;
the caseworker does not.
"""

import io
import re
from datetime import date

import pytest
import time_machine

from agencies.access import actor_for
from agencies.models import Agency, AgencyKind, Membership, Role
from ehcp.assessments.models import AdviceRequest, Assessment
from ehcp.assessments.services import assessment as assessment_services
from ehcp.assessments.services.assessment import ChildDetails
from ehcp.children.models import ConsentRecord
from ehcp.governance.access import case_access, case_visible_to
from ehcp.plans import rendering
from ehcp.plans import services as plan_services
from ehcp.plans.models import DocumentKind, PlanDocument
from ehcp.plans.selectors import case_advice, plan_content, plan_with_entries
from tests import factories
from tests.workflows.test_task_views import d

pytestmark = pytest.mark.django_db

SCHOOL = "Riverside Primary"
CHILDS_SETTING = "the child's school or setting (name withheld: protected whereabouts)"
LATER = date(2027, 6, 1)  # after the draft (the walk starts on 1 March 2027)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def read_pdf(document: PlanDocument) -> str:
    with document.file.open("rb") as handle:
        return pdf_text(handle.read())


@pytest.fixture
def manager_may_see_whereabouts(cast):
    Membership.objects.filter(user=cast.manager).update(may_see_protected_whereabouts=True)
    return cast.manager


def protected_walk(cast, *, protected=True):
    walk = factories.CaseWalk(cast, advice=factories.ALL_ADVICE)
    walk.receive(
        child_details=ChildDetails(
            first_name="Zephyrine",
            last_name="Quillfeather",
            date_of_birth=factories.DATE_OF_BIRTH,
            protected_whereabouts=protected,
            current_setting=cast.school,
            address="1 Hidden Lane",
        ),
        requested_by="SETTING",
        requester_name=f"SENCo, {SCHOOL}",
    )
    return walk


def drive(walk, *, draft: bool = False):
    """On from the request (`CaseWalk.to` would record a new one) to drafting, or the draft."""
    steps = [walk.consent, walk.decide_to_assess, walk.gather_advice, walk.decide_to_issue]
    for step in steps + ([walk.issue_draft] if draft else []):
        step()
    walk.refresh()
    return walk


@pytest.fixture
def drafted(cast, django_capture_on_commit_callbacks):
    """A protected child's case with the draft plan issued (and rendered)."""
    walk = protected_walk(cast)
    with django_capture_on_commit_callbacks(execute=True):
        drive(walk, draft=True)
    return walk


# -- item 3: access comes from roles, not from the council's own advice routing ------------------


def test_the_councils_non_casework_roles_are_not_partners_on_a_case_with_the_familys_views(
    cast, council
):
    walk = factories.CaseWalk(cast)  # asks for the family's views, addressed to the council
    walk.to("ASSESSING")
    case = walk.case
    assert AdviceRequest.objects.get(case=case, kind="PARENT_VIEWS").agency == council
    for role in (Role.PANEL_MEMBER, Role.PANEL_CHAIR, Role.IG_LEAD, Role.ADMINISTRATOR):
        user = factories.member(council, role)
        actor = actor_for(user)
        assert case_access(actor, case) is None, role
        assert not Assessment.objects.filter(case_visible_to(actor), pk=case.pk).exists(), role
    # The council's officers still see it as the council; the advisers as partners.
    assert case_access(actor_for(cast.caseworker), case).relationship == "council"
    assert case_access(actor_for(cast.psychologist), case).relationship == "partner"


def test_a_member_of_an_advising_agency_counts_only_in_a_role_that_works_its_queue(cast, ep):
    walk = factories.CaseWalk(cast)
    walk.to("ASSESSING")
    administrator = factories.member(
        ep, Role.ADMINISTRATOR
    )  # works for the EP service, no EP queue
    actor = actor_for(administrator)
    assert case_access(actor, walk.case) is None
    assert not Assessment.objects.filter(case_visible_to(actor), pk=walk.case.pk).exists()


# -- item 1: section K, the frozen draft and its PDF ----------------------------------------------


def test_section_k_and_the_frozen_draft_never_name_a_protected_childs_school(drafted, cast):
    case = drafted.case
    draft = PlanDocument.objects.get(case=case, kind=DocumentKind.DRAFT_PLAN)
    row = next(r for r in draft.content["sections"]["K"] if r["kind"] == "EDUCATIONAL")
    assert row["agency"] == CHILDS_SETTING
    assert SCHOOL not in str(draft.content)
    text = read_pdf(draft)
    assert "the child's school or setting" in text and SCHOOL not in text
    for document in PlanDocument.objects.filter(case=case):
        assert SCHOOL not in str(document.content)


def test_section_k_names_the_school_when_whereabouts_are_not_protected(cast):
    walk = drive(protected_walk(cast, protected=False))
    case = walk.case
    plan = plan_services.plan_fill_example(case=case, by=cast.caseworker)
    content = plan_content(
        plan_with_entries(plan), case=case, advice=case_advice(case), plan_date=LATER
    )
    assert [r["agency"] for r in content["sections"]["K"] if r["kind"] == "EDUCATIONAL"] == [SCHOOL]


@time_machine.travel(LATER)
def test_the_plan_page_shows_section_k_in_govuk_dates_without_the_school(
    client, drafted, cast, manager_may_see_whereabouts
):
    case = drafted.case
    received = AdviceRequest.objects.get(case=case, kind="EDUCATIONAL").received_on
    for user in (cast.caseworker, cast.manager):
        client.force_login(user)
        body = client.get(f"/cases/{case.public_id}/plan/").content.decode()
        assert f"received {received.day} {received:%B %Y}" in body
        assert not re.search(r"received \d{4}-\d\d-\d\d", body)
        assert SCHOOL not in body.split("Section K")[-1]


@time_machine.travel(LATER)
def test_a_version_frozen_with_the_school_is_masked_in_the_comparison_and_withheld_from_download(
    client, drafted, cast, manager_may_see_whereabouts
):
    """Documents issued before names were withheld: the comparison masks the name, and the file
    (which cannot be changed) is not offered to anyone who may not see whereabouts."""
    case = drafted.case
    content = PlanDocument.objects.get(case=case, kind=DocumentKind.DRAFT_PLAN).content
    for row in content["sections"]["K"]:
        if row["kind"] == "EDUCATIONAL":
            row["agency"] = SCHOOL  # as it was frozen before names were withheld
    plan_services.document_queue(
        episode=case,
        kind=DocumentKind.DRAFT_PLAN,
        content=content,
        issued_on=LATER,
        by=cast.caseworker,
    )
    rendering.document_render_pending()
    draft = PlanDocument.objects.get(case=case, kind=DocumentKind.DRAFT_PLAN, version=2)
    assert SCHOOL in read_pdf(draft)

    client.force_login(cast.caseworker)
    compare = client.get(f"/cases/{case.public_id}/plan/compare/").content.decode()
    assert "Section K" in compare and SCHOOL not in compare
    documents = client.get(f"/cases/{case.public_id}/plan/documents/").content.decode()
    assert str(draft.public_id) not in documents
    assert (
        client.get(f"/cases/{case.public_id}/plan/documents/{draft.public_id}/").status_code == 404
    )
    client.force_login(cast.psychologist)
    assert (
        client.get(f"/cases/{case.public_id}/plan/documents/{draft.public_id}/").status_code == 404
    )
    client.force_login(cast.manager)
    assert (
        client.get(f"/cases/{case.public_id}/plan/documents/{draft.public_id}/").status_code == 200
    )


@time_machine.travel(LATER)
def test_partners_may_download_the_masked_draft(client, drafted, cast):
    case = drafted.case
    draft = PlanDocument.objects.get(case=case, kind=DocumentKind.DRAFT_PLAN)
    client.force_login(cast.psychologist)
    response = client.get(f"/cases/{case.public_id}/plan/documents/{draft.public_id}/")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Educational advice (reg 6(1)(b))" in text and SCHOOL not in text


# -- the plan forms, the case page, the exception and decision forms ------------------------------


@pytest.fixture
def assessing(cast):
    """A protected child's case with all advice received: the plan can be written."""
    return drive(protected_walk(cast))


@time_machine.travel(LATER)
def test_the_plan_forms_label_the_schools_advice_without_its_name(
    client, assessing, cast, manager_may_see_whereabouts
):
    case = assessing.case
    client.force_login(cast.caseworker)
    body = client.get(f"/cases/{case.public_id}/plan/needs/new/").content.decode()
    assert (
        "Educational advice from the child&#x27;s school or setting" in body and SCHOOL not in body
    )
    client.force_login(cast.manager)
    assert (
        f"Educational advice from {SCHOOL}"
        in client.get(f"/cases/{case.public_id}/plan/needs/new/").content.decode()
    )


@time_machine.travel(LATER)
def test_requested_by_a_school_does_not_name_it_without_the_permission(
    client, assessing, cast, manager_may_see_whereabouts
):
    case = assessing.case
    client.force_login(cast.caseworker)
    body = client.get(f"/cases/{case.public_id}/").content.decode()
    assert "School or setting (name withheld: protected whereabouts)" in body and SCHOOL not in body
    client.force_login(cast.manager)
    assert (
        f"School or setting: SENCo, {SCHOOL}"
        in client.get(f"/cases/{case.public_id}/").content.decode()
    )


@time_machine.travel(LATER)
def test_the_exception_form_labels_the_schools_advice_without_its_name(client, assessing, cast):
    client.force_login(cast.caseworker)
    body = client.get(f"/cases/{assessing.case.public_id}/exceptions/new/").content.decode()
    assert "Educational advice (reg 6(1)(b)) from the child&#x27;s school or setting" in body
    assert SCHOOL not in body


def test_the_consent_gate_message_does_not_name_a_protected_childs_school(cast):
    walk = protected_walk(cast)
    AdviceRequest.objects.create(
        case=walk.case,
        kind="EDUCATIONAL",
        agency=cast.school,
        requested_on=date(2027, 3, 2),
        due_on=date(2027, 4, 13),
    )
    message = assessment_services.transition_refusal_message(walk.case, "decide_to_assess")
    assert "the child's school or setting" in message and SCHOOL not in message


def test_the_decision_to_assess_offers_a_protected_childs_school_without_its_name_or_id(cast):
    from ehcp.assessments.forms import CHILDS_SETTING_WITHHELD, DecideToAssessForm

    walk = protected_walk(cast)
    form = DecideToAssessForm(case=walk.case)
    prefilled = form["advice_educational"].value()
    assert prefilled == CHILDS_SETTING_WITHHELD
    assert SCHOOL not in str(form["advice_educational"]) and str(cast.school.pk) not in prefilled
    for typed in (prefilled, SCHOOL):  # the stand-in, or the school's name typed by someone
        posted = DecideToAssessForm(
            {
                "decision": "yes",
                **d(date(2027, 3, 20), "decided_on"),
                "advice_educational": typed,
            },
            case=walk.case,
        )
        assert posted.is_valid(), posted.errors
        assert posted.cleaned_data["advice_educational"] == cast.school


# -- the consent form ----------------------------------------------------------------------------


def consent_choices(body: str) -> list[tuple[str, str, bool]]:
    """(value, label, ticked) of each agency checkbox, in page order."""
    found = []
    pattern = re.compile(
        r'<input[^>]*name="agencies"[^>]*value="([^"]+)"([^>]*)>\s*<label[^>]*>\s*(.*?)\s*</label>',
        re.S,
    )
    for value, rest, label in pattern.findall(body):
        found.append((value, " ".join(label.split()), "checked" in rest))
    return found


@time_machine.travel(LATER)
def test_the_consent_form_puts_the_childs_school_and_the_council_first_and_ticks_them(
    client, cast, council, manager_may_see_whereabouts
):
    walk = protected_walk(cast)
    other_school = Agency.objects.create(name="Aardvark Academy", kind=AgencyKind.SCHOOL)
    client.force_login(cast.manager)
    choices = consent_choices(
        client.get(f"/cases/{walk.case.public_id}/consent/new/").content.decode()
    )
    assert choices[0] == (
        str(cast.school.pk),
        f"{SCHOOL} (the child&#x27;s school or setting)",
        True,
    )
    assert choices[1] == (str(council.pk), f"{council.name} (the council)", True)
    kinds = list(AgencyKind.values)
    rest = [Agency.objects.get(pk=int(value)) for value, _, _ in choices[2:]]
    assert [kinds.index(a.kind) for a in rest] == sorted(kinds.index(a.kind) for a in rest)
    assert not any(ticked for _, _, ticked in choices[2:])
    # Other schools are not listed (England has about 24,000): they are typed.
    assert other_school not in rest and AgencyKind.SCHOOL not in {a.kind for a in rest}
    response = client.post(
        f"/cases/{walk.case.public_id}/consent/new/",
        {
            "purpose": "STATUTORY_ASSESSMENT",
            "agencies": [str(council.pk)],
            "other_settings": "aardvark academy",
            "given_by": "PARENT",
            "given_by_name": "Morwenna Quillfeather",
            **d(date(2027, 5, 30), "given_on"),
            "method": "WRITTEN",
        },
    )
    assert response.status_code == 302
    assert set(ConsentRecord.objects.get().agencies.all()) == {council, other_school}


@time_machine.travel(LATER)
def test_without_the_permission_the_consent_form_does_not_name_or_identify_the_childs_school(
    client, cast
):
    walk = protected_walk(cast)
    client.force_login(cast.caseworker)
    url = f"/cases/{walk.case.public_id}/consent/new/"
    choices = consent_choices(client.get(url).content.decode())
    assert choices[0] == (
        "childs-setting",
        "The child&#x27;s school or setting (name withheld: protected whereabouts)",
        True,
    )
    # No school is listed by name, so the list tells nothing by what it leaves out.
    assert not [c for c in choices[1:] if c[0] == str(cast.school.pk) or SCHOOL in c[1]]
    assert SCHOOL not in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "purpose": "STATUTORY_ASSESSMENT",
            "agencies": ["childs-setting"],
            "given_by": "PARENT",
            "given_by_name": "Morwenna Quillfeather",
            **d(date(2027, 5, 30), "given_on"),
            "method": "WRITTEN",
        },
    )
    assert response.status_code == 302
    assert list(ConsentRecord.objects.get().agencies.all()) == [cast.school]


@time_machine.travel(LATER)
def test_a_consent_form_with_a_forged_agency_changes_nothing(client, cast):
    walk = protected_walk(cast)
    client.force_login(cast.caseworker)
    response = client.post(
        f"/cases/{walk.case.public_id}/consent/new/",
        {
            "purpose": "STATUTORY_ASSESSMENT",
            "agencies": ["999999"],
            "given_by": "PARENT",
            "given_by_name": "Morwenna Quillfeather",
            **d(date(2027, 5, 30), "given_on"),
            "method": "WRITTEN",
        },
    )
    assert response.status_code == 200
    assert "Select the agencies the consent covers from the list" in response.content.decode()
    assert not ConsentRecord.objects.exists()


def test_issuing_the_final_plan_offers_a_protected_childs_consulted_setting_without_its_name_or_id(
    cast,
):
    from ehcp.assessments.forms import IssueFinalForm

    walk = drive(protected_walk(cast), draft=True)
    walk.record_comments()  # consults the child's school
    consultation = walk.case.consultations.get()
    form = IssueFinalForm(case=walk.case)
    choices = dict(form.fields["named_setting"].choices)
    assert str(cast.school.pk) not in choices
    label = choices[str(consultation.public_id)]
    assert label.startswith(
        "The child's school or setting (name withheld: protected whereabouts), consulted on"
    )
    assert SCHOOL not in " ".join(choices.values())
    posted = IssueFinalForm(
        {
            **d(date(2027, 5, 20), "issued_on"),
            "named_setting": str(consultation.public_id),
            "letter_sent_how": "EMAIL",
        },
        case=walk.case,
    )
    assert posted.is_valid(), posted.errors
    assert posted.cleaned_data["named_setting"] == cast.school
    forged = IssueFinalForm(
        {**d(date(2027, 5, 20), "issued_on"), "named_setting": str(cast.school.pk)}, case=walk.case
    )
    assert not forged.is_valid() and forged.errors["named_setting"] == [
        "Select the setting to name"
    ]


@time_machine.travel(LATER)
def test_filtering_the_caseload_by_a_school_does_not_reveal_a_protected_child(
    client, assessing, cast
):
    client.force_login(cast.manager)
    by_urn = f"/cases/caseload/?school={cast.school.urn}"
    by_name = "/cases/caseload/?school=riverside"
    for url in (by_urn, by_name):
        page = client.get(url).content.decode()
        assert "There is a problem" not in page and "Zephyrine" not in page
    assert "Zephyrine" in client.get(f"/cases/caseload/?agency={cast.health.pk}").content.decode()
    Membership.objects.filter(user=cast.manager).update(may_see_protected_whereabouts=True)
    assert "Zephyrine" in client.get(by_urn).content.decode()
    assert "Zephyrine" in client.get(by_name).content.decode()


def test_withhold_names_replaces_every_name_in_nested_content_and_longest_first():
    from ehcp.governance.access import withhold_names

    names = {"Hill School Annexe": "a school", "Hill School": "the child's school"}
    content = {
        "a": ["At Hill School Annexe and Hill School", {"b": "Hill School"}],
        "n": 3,
        "none": None,
    }
    assert withhold_names(content, names) == {
        "a": ["At a school and the child's school", {"b": "the child's school"}],
        "n": 3,
        "none": None,
    }
    assert withhold_names(content, {}) is content


def test_withhold_names_finds_a_name_however_it_is_typed():
    from ehcp.governance.access import withhold_names

    names = {"Hill School": "the child's school"}
    typed = "Seen at HILL school on Monday; hill\n  School again; Hillside is another place"
    assert withhold_names(typed, names) == (
        "Seen at the child's school on Monday; the child's school again; Hillside is another place"
    )
    # A stand-in is written as it is, never read as a pattern.
    assert withhold_names("Hill School", {"Hill School": r"\1 a school"}) == r"\1 a school"


@time_machine.travel(LATER)
def test_the_plan_history_does_not_name_the_school_without_the_permission(
    client, assessing, cast, manager_may_see_whereabouts
):
    case = assessing.case
    plan = plan_services.plan_get_or_create(case=case, by=cast.caseworker)
    educational = AdviceRequest.objects.get(case=case, kind="EDUCATIONAL")
    plan_services.need_save(
        plan=plan,
        section="B",
        text=f"Needs a quiet room at {SCHOOL}",
        advice=[educational],
        by=cast.caseworker,
    )
    client.force_login(cast.caseworker)
    body = client.get(f"/cases/{case.public_id}/plan/history/").content.decode()
    assert "Needs a quiet room at" in body and SCHOOL not in body
    client.force_login(cast.manager)
    assert SCHOOL in client.get(f"/cases/{case.public_id}/plan/history/").content.decode()
