import pytest
from ehcp.models import CaseStatus
pytestmark = pytest.mark.django_db

@pytest.mark.parametrize("stage", list(CaseStatus))
def test_walk(case_at, stage):
    case = case_at(stage)
    assert case.status == stage
