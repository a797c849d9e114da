"""How `generate_scale` sizes its copies (demo/scale.py): pure arithmetic, and the template's
busiest caseworker counted by open cases (what their inbox and case list hold)."""

import pytest

from demo import scale
from ehcp.assessments.models import AssessmentStatus
from tests.factories import CaseWalk


@pytest.mark.parametrize(
    ("children", "councils", "busiest", "wanted", "expected"),
    [
        # Kent: 334 copies of 75 children; a team shares 25 copies, so its busiest caseworker
        # holds 25 x 10 = 250 open cases
        (25_000, 1, 10, 250, scale.Layout(clones=333, councils=1, teams=14)),
        # the copies are shared by the councils first, then by each council's teams
        (500_000, 20, 10, 250, scale.Layout(clones=6666, councils=20, teams=14)),
        # fewer copies than councils: one council a copy
        (150, 4, 10, 250, scale.Layout(clones=1, councils=2, teams=1)),
        # a caseworker who already holds more than wanted: one copy a team
        (7_500, 1, 400, 250, scale.Layout(clones=99, councils=1, teams=100)),
    ],
)
def test_the_layout_gives_the_busiest_caseworker_about_the_cases_wanted(
    children, councils, busiest, wanted, expected
):
    layout = scale.layout_for(
        children=children,
        template_children=75,
        councils=councils,
        busiest_caseload=busiest,
        cases_per_caseworker=wanted,
    )
    assert layout == expected
    assert (layout.clones + 1) * 75 >= children


@pytest.mark.django_db
def test_the_template_caseload_counts_open_cases_only(cast):
    for _ in range(2):
        CaseWalk(cast).receive()
    CaseWalk(cast).to(AssessmentStatus.REFUSED)

    assert scale.template_caseload() == 2
