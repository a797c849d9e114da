"""Rendering a panel's frozen documents to PDF: the papers, the minutes and the letters. The
frame, fonts and branding are the plan documents' (`ehcp.plans.documents`); WeasyPrint is only
called there."""

from datetime import date, datetime
from decimal import Decimal

from django.template.loader import render_to_string

from ehcp.plans.documents import branding, css_string, format_date, render_pdf
from panel.models import FundingKind, PanelDocument, PanelDocumentKind
from panel.rules.money import FUNDER_LABELS, FUNDERS, format_money
from panel.selectors import decision_facts

TEMPLATES = {
    PanelDocumentKind.PAPERS: "panel/pdf/papers.html",
    PanelDocumentKind.MINUTES: "panel/pdf/minutes.html",
    PanelDocumentKind.FAMILY_LETTER: "panel/pdf/family_letter.html",
    PanelDocumentKind.PROVIDER_LETTER: "panel/pdf/provider_letter.html",
}


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _money(value: str | None) -> str:
    return format_money(Decimal(value)) if value is not None else ""


def decision_display(facts: dict | None) -> dict | None:
    """A frozen decision as a template shows it: dates as dates, money as £, shares by funder."""
    if not facts:
        return None
    return {
        **facts,
        "agreed_cost": _money(facts.get("agreed_cost")),
        "starts_on": _date(facts.get("starts_on")),
        "ends_on": _date(facts.get("ends_on")),
        "review_on": _date(facts.get("review_on")),
        "funders": [
            {
                "label": FUNDER_LABELS[f],
                "share": facts["shares"][f.value],
                "annual": _money(facts["annual_by_funder"][f.value]),
            }
            for f in FUNDERS
            if facts.get("shares")
        ],
    }


def decision_facts_display(decision) -> dict:
    """A recorded decision as a page shows it."""
    return decision_display(decision_facts(decision))


def item_display(item: dict) -> dict:
    """A member's item (`panel.rules.papers.item_for_member`) as a page or PDF shows it."""
    request = item.get("request")
    if request:
        request = {
            **request,
            "proposed_cost": _money(request.get("proposed_cost")),
            "starts_on": _date(request.get("starts_on")),
            "ends_on": _date(request.get("ends_on")),
            "shares": [
                {"label": FUNDER_LABELS[f], "share": request["shares"].get(f.value)}
                for f in FUNDERS
            ],
        }
    return {
        **item,
        "child": {
            **item["child"],
            "date_of_birth": _date(item["child"].get("date_of_birth")),
        },
        "request": request,
    }


def document_context(document: PanelDocument) -> dict:
    content = document.content
    meeting = content.get("meeting") or {}
    kind = PanelDocumentKind(document.kind)
    context = {
        **branding(),
        "kind": kind,
        "content": content,
        "meets_on": _date(meeting.get("meets_on") or content.get("meets_on")),
        "panel": meeting.get("panel") or content.get("panel", ""),
        "running_draft": css_string(""),
        "kind_labels": dict(FundingKind.choices),
    }
    if kind == PanelDocumentKind.PAPERS:
        title = f"Papers: {context['panel']}, {format_date(context['meets_on'])}"
        context["items"] = [item_display(i) for i in content["items"]]
        context["member"] = content["member"]
    elif kind == PanelDocumentKind.MINUTES:
        title = f"Minutes: {context['panel']}, {format_date(context['meets_on'])}"
        context["items"] = [
            {**i, "decision": decision_display(i.get("decision"))} for i in content["items"]
        ]
        context["present"] = [
            {**p, "left_at": datetime.fromisoformat(p["left_at"]) if p.get("left_at") else None}
            for p in content["present"]
        ]
        context["apologies"] = content["apologies"]
        context["confirmed_at"] = datetime.fromisoformat(content["confirmed_at"])
    else:
        title = f"Funding decision: {content['child']['name']}"
        context.update(
            {
                "decision": decision_display(content["decision"]),
                "child_name": content["child"]["name"],
                "first_name": content["child"]["first_name"],
                "date_of_birth": _date(content["child"]["date_of_birth"]),
                "reference": content["reference"],
                "letter_date": _date(content["letter_date"]),
                "recipients": content.get("recipients") or [],
                "to_young_person": content.get("party") == "YOUNG_PERSON",
                "copy_to": content.get("copy_to") or [],
                "copy_reason": content.get("copy_reason", ""),
                "appealable": content.get("appealable", False),
                "subject": title,
            }
        )
        recipients = context["recipients"]
        context["salutation"] = (
            "Dear " + " and ".join(recipients)
            if recipients
            else f"Dear parent or carer of {content['child']['name']}"
        )
    context["title"] = title
    context["running_header"] = css_string(title)
    return context


def render_html(document: PanelDocument) -> str:
    return render_to_string(TEMPLATES[PanelDocumentKind(document.kind)], document_context(document))


def render_document(document: PanelDocument) -> bytes:
    return render_pdf(render_html(document))
