"""Fixtures for the plan tests: a case ready for its draft, a plan that passes the checks, and
PDF text extraction."""

import io

import pytest

from ehcp.assessments.models import AssessmentStatus
from ehcp.plans import services


@pytest.fixture
def drafting(walk):
    """A CaseWalk whose case is at DRAFTING (advice gathered, decided to issue), with no plan."""
    return walk.to(AssessmentStatus.DRAFTING)


@pytest.fixture
def plan(drafting, cast):
    """The example plan: one need in B, one outcome, one quantified provision in F."""
    return services.plan_fill_example(case=drafting.case, by=cast.caseworker)


def pdf_text(data: bytes) -> list[str]:
    """The text of each page of a PDF."""
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    """Whitespace and line breaks folded, so phrases can be found across wrapped lines."""
    return " ".join(text.split())
