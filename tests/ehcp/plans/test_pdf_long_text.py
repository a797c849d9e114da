"""A long unbroken word (a pasted link, a 300-character "word") wraps within the PDF page."""

import pytest
from django.utils import timezone

from ehcp.plans import documents
from ehcp.plans.models import DocumentKind, PlanNeed, PlanOutcome
from ehcp.plans.rules.plan_checks import Stage
from ehcp.plans.services import plan_issue_content

from .conftest import flat, pdf_text

pytestmark = pytest.mark.django_db

LONG_WORD = "Needs" + "x" * 295  # 300 characters, no break opportunity


def _text_boxes(box):
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        yield box
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child)


def test_a_300_character_word_stays_within_the_page(plan):
    PlanNeed.objects.filter(plan=plan).update(text=f"Reads slowly. {LONG_WORD}")
    PlanOutcome.objects.filter(plan=plan).update(text=LONG_WORD)  # in a table cell
    plan.views = f"See {LONG_WORD} for more."
    plan.save()
    content = plan_issue_content(case=plan.case, stage=Stage.DRAFT, issued_on=timezone.localdate())
    html = documents.render_html(DocumentKind.DRAFT_PLAN, content, version=1)
    assert "overflow-wrap: anywhere" in html

    from weasyprint import HTML

    rendered = HTML(string=html).render()
    overflowing = []
    pieces = 0
    for page in rendered.pages:
        page_box = page._page_box
        right = page_box.margin_width() - page_box.margin_right + 0.5  # the page's content edge
        for text in _text_boxes(page_box):
            if "xxxxxxxx" in text.text:
                pieces += 1
            if text.position_x + text.width > right:
                overflowing.append(
                    (round(text.position_x + text.width), round(right), text.text[:30])
                )
    assert not overflowing
    assert pieces >= 3 * 4  # each of the three long words is broken over several lines

    data = documents.render_pdf(html)  # and the real, tagged render succeeds
    assert "Reads slowly." in flat(" ".join(pdf_text(data)))
