"""Plans and decision letters: frozen content -> context -> HTML (templates/ehcp/plans/pdf/) -> tagged PDF.

The context builders are pure (plain dicts in, plain dicts out) and tested without WeasyPrint.
`render_pdf` is the only place WeasyPrint is called. It makes a PDF/UA-1 file: tagged, with the
document language (en-GB) and title, so headings, lists and tables reach a screen reader.

Wording and branding live in the templates (`templates/ehcp/plans/pdf/`, with the council's contact
details in `templates/ehcp/plans/pdf/_council_contacts.html`) and in settings (`COUNCIL_NAME`,
`COUNCIL_LOGO`), so a council changes them without changing code.
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
from datetime import date
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from ehcp.plans.models import DocumentKind
from ehcp.plans.rules.plan_dates import govuk_dates
from ehcp.plans.selectors import SECTION_TITLES

PLAN_TEMPLATE = "ehcp/plans/pdf/plan.html"
LETTER_TEMPLATES = {
    DocumentKind.AMENDMENT_NOTICE: "ehcp/plans/pdf/letters/amendment_notice.html",
    DocumentKind.AMENDED_PLAN_LETTER: "ehcp/plans/pdf/letters/amended_plan_cover.html",
    DocumentKind.REFUSAL_LETTER: "ehcp/plans/pdf/letters/refusal_to_assess.html",
    DocumentKind.NOT_ISSUING_LETTER: "ehcp/plans/pdf/letters/not_issuing.html",
    DocumentKind.DRAFT_LETTER: "ehcp/plans/pdf/letters/draft_cover.html",
    DocumentKind.FINAL_LETTER: "ehcp/plans/pdf/letters/final_cover.html",
    DocumentKind.CEASE_CONSULT_LETTER: "ehcp/plans/pdf/letters/cease_consultation.html",
    DocumentKind.CEASE_WITHDRAWN_LETTER: "ehcp/plans/pdf/letters/cease_withdrawn.html",
    DocumentKind.CEASE_NOTICE: "ehcp/plans/pdf/letters/cease_notice.html",
    DocumentKind.REVIEW_DECISION_LETTER: "ehcp/plans/pdf/letters/review_decision.html",
}
FREQUENCY_WORDS = {
    "DAY": "a day",
    "WEEK": "a week",
    "MONTH": "a month",
    "TERM": "a term",
    "YEAR": "a year",
}


# -- small pure helpers ----------------------------------------------------------------------------


def css_string(value: str) -> str:
    """A safe CSS string literal (for @page running headers): quotes, backslashes and anything
    that could close the <style> element are escaped."""
    out = []
    for char in " ".join(str(value).split()):
        if char in {'"', "\\", "<", ">", "&"} or ord(char) < 32:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return mark_safe('"' + "".join(out) + '"')


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def format_date(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


@lru_cache(maxsize=8)
def _logo_data_uri(path: str) -> str:
    """The council's logo as a data: URI (the renderer fetches nothing else)."""
    file = Path(path)
    if not path or not file.is_file():
        return ""
    mime = mimetypes.guess_type(file.name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(file.read_bytes()).decode()}"


# "DRAFT" across the middle of every page of a draft (a page background, so it is decoration,
# not content; the running header also says DRAFT on every page, as text).
_WATERMARK_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="600" viewBox="0 0 600 600">'
    '<text x="300" y="330" text-anchor="middle" font-family="sans-serif" font-size="150" '
    'font-weight="bold" fill="#d4351c" fill-opacity="0.10" transform="rotate(-40 300 300)">DRAFT</text></svg>'
)
WATERMARK = "data:image/svg+xml;base64," + base64.b64encode(_WATERMARK_SVG.encode()).decode()
# A preview (the working copy, not issued) says PREVIEW across every page instead.
PREVIEW_WATERMARK = (
    "data:image/svg+xml;base64,"
    + base64.b64encode(
        _WATERMARK_SVG.replace('font-size="150"', 'font-size="110"')
        .replace(">DRAFT<", ">PREVIEW<")
        .encode()
    ).decode()
)


def branding() -> dict:
    """The council's name and logo, from settings."""
    name = settings.COUNCIL_NAME
    return {
        "council_name": name,
        "running_council": css_string(name),
        "logo": _logo_data_uri(str(getattr(settings, "COUNCIL_LOGO", "") or "")),
        "watermark": WATERMARK,
    }


# -- the plan --------------------------------------------------------------------------------------


def _provision_row(row: dict) -> dict:
    how_often = row.get("frequency") or ""
    if not how_often and row.get("frequency_count") and row.get("frequency_period"):
        how_often = f"{row['frequency_count']} times {FREQUENCY_WORDS[row['frequency_period']]}"
    return {
        **row,
        "how_often": how_often,
        "starts_on": _date(row.get("starts_on")),
        "ends_on": _date(row.get("ends_on")),
        "agreement": (
            {**row["health_agreement"], "on": _date(row["health_agreement"]["on"])}
            if row.get("health_agreement")
            else None
        ),
    }


def plan_context(
    content: dict,
    *,
    draft: bool,
    version: int | None = None,
    brand: dict | None = None,
    preview: bool = False,
) -> dict:
    """Everything `templates/ehcp/plans/pdf/plan.html` shows, from the frozen content. Pure. A `preview` is
    the working copy shown before it is issued: marked PREVIEW on every page, with no version."""
    brand = brand if brand is not None else branding()
    sections = content["sections"]
    child = content["child"]
    plan_date = _date(content["plan_date"])
    amended = bool(content.get("amended"))
    if amended:
        # A review's versions: the proposed amended plan sent with the amendment notice (reg
        # 22(2)(a)), then the final amended plan.
        kind = "Proposed amended EHC plan" if draft else "Amended EHC plan"
        title = (
            f"{'Proposed amended' if draft else 'Amended'} education, health and care plan for "
            f"{child['name']}"
        )
    else:
        kind = "Draft EHC plan" if draft else "EHC plan"
        title = f"{'Draft education' if draft else 'Education'}, health and care plan for {child['name']}"
    if preview:
        kind = f"Preview of the {kind[0].lower()}{kind[1:]}, not issued"
        brand = {**brand, "watermark": PREVIEW_WATERMARK}
    header = f"{child['name']} · {kind} · {format_date(plan_date)}"
    marker = " ".join(filter(None, ["DRAFT" if draft else "", "PREVIEW" if preview else ""]))
    return {
        **brand,
        "draft": draft,
        "amended": amended,
        "preview": preview,
        "title": f"Preview: {title}" if preview else title,
        "running_header": css_string(header),
        "running_draft": css_string(marker),
        "child_name": child["name"],
        "first_name": child["first_name"],
        "date_of_birth": _date(child["date_of_birth"]),
        "reference": content["case"]["reference"],
        "plan_date": plan_date,
        "version": None if preview else version,
        "titles": SECTION_TITLES,
        "views": sections["A"]["views"],
        "need_sections": [("B", sections["B"]), ("C", sections["C"]), ("D", sections["D"])],
        "outcomes": [
            {**row, "by_when": govuk_dates(row.get("by_when") or "")} for row in sections["E"]
        ],
        "provision_sections": [
            (code, [_provision_row(row) for row in sections[code]])
            for code in ("F", "G", "H1", "H2")
        ],
        "placement": sections["I"],
        "personal_budget": sections["J"]["text"],
        "advice": [
            {
                **row,
                "requested_on": _date(row["requested_on"]),
                "received_on": _date(row["received_on"]),
            }
            for row in sections["K"]
        ],
    }


# -- letters ---------------------------------------------------------------------------------------


LETTER_SUBJECTS = {
    DocumentKind.AMENDMENT_NOTICE: "The changes we propose to your child's education, health and care plan",
    DocumentKind.AMENDED_PLAN_LETTER: "Your child's amended education, health and care plan",
    DocumentKind.REFUSAL_LETTER: "Our decision not to carry out an education, health and care needs assessment",
    DocumentKind.NOT_ISSUING_LETTER: "Our decision not to issue an education, health and care plan",
    DocumentKind.DRAFT_LETTER: "Your child's draft education, health and care plan",
    DocumentKind.FINAL_LETTER: "Your child's final education, health and care plan",
    DocumentKind.CEASE_CONSULT_LETTER: "We are considering ceasing your child's EHC plan",
    DocumentKind.CEASE_WITHDRAWN_LETTER: "Your child's EHC plan will not cease",
    DocumentKind.CEASE_NOTICE: "Our decision to cease to maintain your child's EHC plan",
    DocumentKind.REVIEW_DECISION_LETTER: (
        "Our decision after the review of your child's education, health and care plan"
    ),
}


# A young person's own letters (CFA 2014 s.83): written to them.
LETTER_SUBJECTS_YOUNG_PERSON = {
    **LETTER_SUBJECTS,
    DocumentKind.AMENDMENT_NOTICE: "The changes we propose to your education, health and care plan",
    DocumentKind.AMENDED_PLAN_LETTER: "Your amended education, health and care plan",
    DocumentKind.DRAFT_LETTER: "Your draft education, health and care plan",
    DocumentKind.FINAL_LETTER: "Your final education, health and care plan",
    DocumentKind.CEASE_CONSULT_LETTER: "We are considering ceasing your EHC plan",
    DocumentKind.CEASE_WITHDRAWN_LETTER: "Your EHC plan will not cease",
    DocumentKind.CEASE_NOTICE: "Our decision to cease to maintain your EHC plan",
    DocumentKind.REVIEW_DECISION_LETTER: (
        "Our decision after the review of your education, health and care plan"
    ),
}


def letter_context(kind: str, content: dict, *, brand: dict | None = None) -> dict:
    """Everything a letter template shows, from the frozen letter facts. Pure.

    A letter to a young person (`party` "YOUNG_PERSON") is written to them, with any copy to their
    parents and why; letters frozen before `party` was recorded were to the parents."""
    brand = brand if brand is not None else branding()
    letter_date = _date(content["letter_date"])
    to_young_person = content.get("party") == "YOUNG_PERSON"
    subjects = LETTER_SUBJECTS_YOUNG_PERSON if to_young_person else LETTER_SUBJECTS
    subject = subjects[DocumentKind(kind)]
    recipients = content.get("recipients") or []
    if recipients:
        salutation = "Dear " + " and ".join(recipients)
    elif to_young_person:
        salutation = f"Dear {content['child']['name']}"
    else:
        salutation = f"Dear parent or carer of {content['child']['name']}"
    return {
        **brand,
        "kind": kind,
        "subject": subject,
        "title": f"{subject}: {content['child']['name']}",
        "running_header": css_string(
            f"{content['child']['name']} · {content['reference']} · {format_date(letter_date)}"
        ),
        "running_draft": css_string(""),
        "child_name": content["child"]["name"],
        "first_name": content["child"]["first_name"],
        "date_of_birth": _date(content["child"]["date_of_birth"]),
        "reference": content["reference"],
        "letter_date": letter_date,
        "salutation": salutation,
        "to_young_person": to_young_person,
        "recipients": recipients,
        "copy_to": content.get("copy_to") or [],
        "copy_reason": content.get("copy_reason", ""),
        "request_received_on": _date(content.get("request_received_on")),
        "reasons": content.get("reasons", ""),
        "appeal_decision": content.get("appeal_decision", ""),
        "mediation_contact_by": _date(content.get("mediation_contact_by")),
        "appeal_by": _date(content.get("appeal_by")),
        "comments_due_on": _date(content.get("comments_due_on")),
        "sent_on": _date(content.get("sent_on")),
        "sent_method": content.get("sent_method", ""),
        "served_on": _date(content.get("served_on")),
        "named_setting": content.get("named_setting", ""),
        "plan_version": content.get("plan_version"),
        "final_plan_due_on": _date(content.get("final_plan_due_on")),
        # Ceasing a plan (reg 31): the facts the cease letters state.
        "cease_reason": content.get("cease_reason", ""),
        "cease_reason_label": content.get("cease_reason_label", ""),
        "cease_reason_words": content.get("cease_reason_words", ""),
        "with_review": content.get("with_review", False),
        "review_meeting_on": _date(content.get("review_meeting_on")),
        "consulted_on": _date(content.get("consulted_on")),
        "consulted_setting": content.get("consulted_setting", ""),
        "replied_on": _date(content.get("replied_on")),
        "copies_to": content.get("copies_to") or [],
        "cease_on": _date(content.get("cease_on")),
        # A review's decision letter (ehcp.reviews.services.review).
        "review_decision": content.get("review_decision", ""),
        "review_kind": content.get("review_kind", ""),
        "meeting_on": _date(content.get("meeting_on")),
        "decided_on": _date(content.get("decided_on")),
        "recommendation": content.get("recommendation", ""),
        "next_review_due_on": _date(content.get("next_review_due_on")),
        # Having consulted, the council decided not to cease the plan.
        "cease_withdrawn_on": _date(content.get("cease_withdrawn_on")),
        "withdrawn_reasons": content.get("withdrawn_reasons", ""),
    }


# -- rendering -------------------------------------------------------------------------------------


def document_context(kind: str, content: dict, *, version: int | None = None) -> tuple[str, dict]:
    """The template and context for a document kind."""
    if kind in (DocumentKind.DRAFT_PLAN, DocumentKind.FINAL_PLAN):
        return PLAN_TEMPLATE, plan_context(
            content, draft=kind == DocumentKind.DRAFT_PLAN, version=version
        )
    context = letter_context(kind, content)
    if kind in (DocumentKind.AMENDMENT_NOTICE, DocumentKind.AMENDED_PLAN_LETTER):
        context.update(amendment_letter_context(content))
    return LETTER_TEMPLATES[DocumentKind(kind)], context


def amendment_letter_context(content: dict) -> dict:
    """What the letters of a review that amends the plan state besides a letter's own facts
    (ehcp.reviews.services.amendment): the proposed amendments and their evidence, the dates of
    the review, and the version they change. Pure."""
    return {
        "review_meeting_on": _date(content.get("review_meeting_on")),
        "report_received_on": _date(content.get("report_received_on")),
        "decided_on": _date(content.get("decided_on")),
        "amendments": [
            {**row, "section_title": SECTION_TITLES.get(row["section"], row["section"])}
            for row in content.get("amendments", [])
        ],
        "evidence": content.get("evidence", []),
        "in_force_version": content.get("in_force_version"),
        "in_force_issued_on": _date(content.get("in_force_issued_on")),
        "setting_in_force": content.get("setting_in_force", ""),
        "amended_plan_due_on": _date(content.get("amended_plan_due_on")),
        "next_review_due_on": _date(content.get("next_review_due_on")),
        "transfer_year": content.get("transfer_year"),
        "phase_transfer_due_on": _date(content.get("phase_transfer_due_on")),
        "comments_summary": content.get("comments_summary", ""),
    }


def render_html(kind: str, content: dict, *, version: int | None = None) -> str:
    template, context = document_context(kind, content, version=version)
    return render_to_string(template, context)


def render_pdf(html: str) -> bytes:
    """HTML -> tagged PDF/UA-1. The only call to WeasyPrint. Fetches nothing but data: URIs."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=False)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant="pdf/ua-1")


def render_document(kind: str, content: dict, *, version: int | None = None) -> bytes:
    return render_pdf(render_html(kind, content, version=version))


def render_plan_preview(content: dict) -> bytes:
    """The working copy of a plan as the PDF it would be issued as, marked PREVIEW: for checking
    before the issue. Never stored, never a `PlanDocument`."""
    context = plan_context(content, draft=content["stage"] == DocumentKind.DRAFT_PLAN, preview=True)
    return render_pdf(render_to_string(PLAN_TEMPLATE, context))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
