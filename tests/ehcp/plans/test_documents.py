"""Rendered plans and letters: the text a family reads (child, sections, dates, appeal rights),
and a tagged PDF/UA file (language, title, structure tree, headings)."""

import io
import re

import pikepdf
import pytest
from django.test import override_settings

from ehcp.assessments.models import AssessmentStatus
from ehcp.assessments.rules import deadlines
from ehcp.plans import documents, services
from ehcp.plans.models import DocumentKind, PlanDocument

from .conftest import flat, pdf_text

pytestmark = pytest.mark.django_db


def read(document: PlanDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def when(d) -> str:
    return f"{d:%A} {d.day} {d:%B %Y}"


@pytest.fixture
def final_walk(drafting, plan, django_capture_on_commit_callbacks):
    """The whole way to the final plan, rendering every document as it is issued."""
    with django_capture_on_commit_callbacks(execute=True):
        drafting.issue_draft()
        drafting.record_comments()
        drafting.reply_to_consultation()
        drafting.issue_final()
    return drafting


def test_the_draft_plan_says_draft_on_every_page_and_names_no_setting(final_walk, cast):
    draft = PlanDocument.objects.get(kind=DocumentKind.DRAFT_PLAN)
    pages = pdf_text(read(draft))
    text = flat(" ".join(pages))
    assert len(pages) >= 2
    for number, page in enumerate(pages, 1):
        assert "DRAFT" in page
        assert "Zephyrine Quillfeather" in page  # the running header
        assert (
            f"{final_walk.when.draft_on.day} {final_walk.when.draft_on:%B %Y}" in page
        )  # plan date
        assert f"Page {number} of {len(pages)}" in page
    for heading in (
        "Section A: the views, interests and aspirations",
        "Section B: special educational needs",
        "Section C: health care needs",
        "Section D: social care needs",
        "Section E: outcomes sought",
        "Section F: special educational provision",
        "Section G: health provision",
        "Section H1: social care provision",
        "Section H2: other social care provision",
        "Section I: placement",
        "Section J: personal budget",
        "Section K: advice and information gathered",
    ):
        assert heading in text, heading
    assert "A draft plan does not name a school, college or other setting" in text
    assert cast.school.name not in text
    assert "Small-group teaching in literacy and communication" in text
    assert "3 times a week, 30 minutes each time" in text
    assert "Meets needs B1" in text and "Towards outcomes E1" in text
    assert "Exampleshire County Council" in text  # the council's name from settings


def test_the_final_plan_names_the_setting_and_is_not_a_draft(final_walk, cast):
    final = PlanDocument.objects.get(kind=DocumentKind.FINAL_PLAN)
    text = flat(" ".join(pdf_text(read(final))))
    assert "DRAFT" not in text
    assert f"Name of the school or setting {cast.school.name}" in text
    assert "Education, health and care plan for Zephyrine Quillfeather" in text
    issued = final_walk.when.final_on
    assert f"Date the plan was issued {issued.day} {issued:%B %Y}" in text


def test_the_draft_covering_letter_gives_the_15_days_the_setting_request_and_the_meeting(
    final_walk,
):
    letter = PlanDocument.objects.get(kind=DocumentKind.DRAFT_LETTER)
    text = flat(" ".join(pdf_text(read(letter))))
    due = deadlines.due_on(deadlines.DRAFT_COMMENTS, final_walk.when.draft_on)
    assert f"You have until {when(due)} to tell us what you think of the draft plan" in text
    assert "Asking for a school, college or other setting" in text
    assert "Meeting us to discuss the draft" in text
    assert "Personal budget" in text
    assert (
        "Dear Morwenna Quillfeather" in text
        or "Dear parent or carer of Zephyrine Quillfeather" in text
    )


def test_the_final_covering_letter_states_the_right_to_mediation_and_appeal_with_dates(
    final_walk, cast
):
    letter = PlanDocument.objects.get(kind=DocumentKind.FINAL_LETTER)
    text = flat(" ".join(pdf_text(read(letter))))
    sent = final_walk.when.final_on
    assert cast.school.name in text
    assert (
        f"Contact the mediation adviser by {when(deadlines.mediation_contact_deadline(sent))}"
        in text
    )
    assert f"must receive your appeal by {when(deadlines.appeal_deadline(sent))}" in text
    assert "within 1 month of the date on your mediation certificate if that is later" in text
    assert "Your right to mediation and to appeal" in text


@pytest.mark.parametrize(
    "stage, kind, decision",
    [
        (
            AssessmentStatus.REFUSED,
            DocumentKind.REFUSAL_LETTER,
            "not to carry out an EHC needs assessment",
        ),
        (AssessmentStatus.NOT_ISSUED, DocumentKind.NOT_ISSUING_LETTER, "not to issue an EHC plan"),
    ],
)
def test_decision_letters_give_reasons_mediation_and_appeal_dates(
    walk, django_capture_on_commit_callbacks, stage, kind, decision
):
    with django_capture_on_commit_callbacks(execute=True):
        walk.to(stage)
    letter = PlanDocument.objects.get(case=walk.case, kind=kind)
    text = flat(" ".join(pdf_text(read(letter))))
    sent = walk.when.decided_on if stage == AssessmentStatus.REFUSED else walk.when.issue_decided_on
    assert "Zephyrine Quillfeather" in text and walk.case.reference in text
    assert decision in text
    assert (
        "Needs can be met from SEN support"
        if stage == AssessmentStatus.REFUSED
        else "Needs can be met without a plan"
    ) in text
    assert (
        f"Contact the mediation adviser by {when(deadlines.mediation_contact_deadline(sent))}"
        in text
    )
    assert f"must receive your appeal by {when(deadlines.appeal_deadline(sent))}" in text
    for duty in (
        "mediation certificate",
        "disagreement resolution service",
        "SENDIASS",
        "mediation contact",
    ):
        assert duty in text, duty


def test_the_pdf_is_tagged_pdf_ua_with_language_title_structure_and_headings(final_walk):
    draft = PlanDocument.objects.get(kind=DocumentKind.DRAFT_PLAN)
    pdf = pikepdf.open(io.BytesIO(read(draft)))
    assert str(pdf.Root.Lang) == "en-GB"
    assert pdf.Root.MarkInfo.Marked is True
    title = "Draft education, health and care plan for Zephyrine Quillfeather"
    assert str(pdf.docinfo["/Title"]) == title
    with pdf.open_metadata() as xmp:
        assert xmp.get("dc:title") == title
        assert xmp.get("pdfuaid:part") == "1"
    tags = []

    def walk(node):
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            tags.append(str(node.S))
            if "/K" in node:
                walk(node.K)

    walk(pdf.Root.StructTreeRoot.K)
    assert tags[0] == "/Document"
    assert tags.count("/H1") == 1 and tags.count("/H2") >= 12 and "/H3" in tags
    assert {"/P", "/Table", "/TH", "/TD", "/L", "/LI", "/Figure"} <= set(tags)


# -- the context and the HTML (no WeasyPrint) ----------------------------------------------------


def test_running_headers_are_escaped_css_strings():
    assert (
        documents.css_string('Zoë "Z" O\'Neil\\</style>')
        == '"Zoë \\22 Z\\22  O\'Neil\\5c \\3c /style\\3e "'
    )


@override_settings(COUNCIL_NAME="Northshire Council", COUNCIL_LOGO="/nonexistent.png")
def test_branding_comes_from_settings_and_a_missing_logo_is_left_out(final_walk):
    draft = PlanDocument.objects.get(kind=DocumentKind.DRAFT_PLAN)
    html = documents.render_html(draft.kind, draft.content, version=draft.version)
    assert "Northshire Council" in html and "<img" not in html
    assert re.search(r'<html lang="en-GB">', html)
    assert "<title>Draft education, health and care plan for Zephyrine Quillfeather</title>" in html


def _content_with_outcomes(*by_when: str) -> dict:
    outcomes = [
        {
            "key": str(i),
            "ref": f"E{i}",
            "text": f"Outcome number {i}",
            "by_when": when,
            "needs": ["B1"],
            "advice": [],
        }
        for i, when in enumerate(by_when, 1)
    ]
    return {
        "schema": 1,
        "stage": "DRAFT_PLAN",
        "case": {"reference": "EHC-1", "public_id": "x"},
        "child": {
            "name": "Zephyrine Quillfeather",
            "first_name": "Zephyrine",
            "date_of_birth": "2016-03-04",
        },
        "plan_date": "2027-01-15",
        "sections": {
            "A": {"views": ""},
            "B": [
                {
                    "key": "b",
                    "ref": "B1",
                    "text": "Reading",
                    "need_code": "",
                    "need_label": "",
                    "advice": [],
                }
            ],
            "C": [],
            "D": [],
            "E": outcomes,
            "F": [],
            "G": [],
            "H1": [],
            "H2": [],
            "I": {"type": "", "name": ""},
            "J": {"text": ""},
            "K": [],
        },
    }


def test_section_e_says_by_when_in_the_pdf_with_dates_in_the_gov_uk_style():
    content = _content_with_outcomes("By 2027-07-31", "by 01/09/2027", "By the end of Year 6", "")
    context = documents.plan_context(
        content,
        draft=True,
        brand={"council_name": "C", "running_council": "", "logo": "", "watermark": ""},
    )
    assert [o["by_when"] for o in context["outcomes"]] == [
        "By 31 July 2027",
        "by 1 September 2027",
        "By the end of Year 6",
        "",
    ]
    text = flat(" ".join(pdf_text(documents.render_document(DocumentKind.DRAFT_PLAN, content))))
    section_e = text[text.index("Section E: outcomes sought") : text.index("Section F:")]
    assert "Ref Outcome By when Needs" in section_e
    assert "E1 Outcome number 1 By 31 July 2027 B1" in section_e
    assert "E2 Outcome number 2 by 1 September 2027 B1" in section_e
    assert "E3 Outcome number 3 By the end of Year 6 B1" in section_e
    assert "E4 Outcome number 4 Not given B1" in section_e  # never an empty cell


def test_an_outcome_suggested_from_the_advice_says_by_when_in_the_plan_pdf(cast, drafting):
    from ehcp.plans import selectors as plan_selectors
    from ehcp.plans.models import PlanEntryStatus, PlanOutcome

    case = drafting.case
    services.plan_fill_from_advice(case=case, by=cast.caseworker, today=drafting.when.draft_on)
    services.suggestions_accept_all(plan=case.plan, by=cast.caseworker)
    outcomes = PlanOutcome.objects.filter(plan=case.plan, status=PlanEntryStatus.ACCEPTED)
    assert outcomes and all(
        o.by_when == "By the end of Year 5" for o in outcomes
    )  # from the advice's words
    content = plan_selectors.plan_content(
        plan_selectors.plan_with_entries(case.plan),
        case=case,
        advice=plan_selectors.case_advice(case),
        plan_date=drafting.when.draft_on,
        stage=DocumentKind.DRAFT_PLAN,
    )
    text = flat(" ".join(pdf_text(documents.render_document(DocumentKind.DRAFT_PLAN, content))))
    section_e = text[text.index("Section E: outcomes sought") : text.index("Section F:")]
    assert section_e.count("without prompting By the end of Year 5") == len(
        outcomes
    )  # the By when column
