"""The child's EHC plan for life: made when an assessment issues its final plan, one live plan per
child, and later assessments change it rather than make another."""

import pytest
from django.db import IntegrityError, transaction

from ehcp.assessments.models import Assessment, AssessmentStatus
from ehcp.plans.models import EhcPlan, EhcPlanStatus
from ehcp.plans.services import MADE, ehc_plan_for_final
from tests import factories
from tests.factories import CaseWalk

pytestmark = pytest.mark.django_db


def test_issuing_the_final_plan_makes_the_childs_plan(cast):
    walk = CaseWalk(cast).to(AssessmentStatus.FINAL_ISSUED)
    case = walk.refresh()
    plan = EhcPlan.objects.get(child=case.child)
    assert case.ehc_plan == plan
    assert plan.status == EhcPlanStatus.IN_FORCE
    assert plan.first_issued_on == case.final_issued_on
    assert plan.council == case.council
    made = plan.history.get()
    assert (made.history_user, made.history_change_reason) == (cast.caseworker, MADE)
    # The assessment froze one final plan (rendered after the commit), after its draft.
    versions = dict(case.document_renders.values_list("kind", "version"))
    assert versions["FINAL_PLAN"] > versions["DRAFT_PLAN"]


def test_a_case_that_stops_before_the_final_plan_makes_no_plan(cast):
    walk = CaseWalk(cast).to(AssessmentStatus.CONSULTING)
    assert walk.refresh().ehc_plan is None
    assert not EhcPlan.objects.exists()


def test_a_later_assessment_changes_the_live_plan_and_does_not_make_another(cast):
    first = CaseWalk(cast).to(AssessmentStatus.FINAL_ISSUED).refresh()
    later = factories.CaseFactory(child=first.child, council=first.council)
    with transaction.atomic():
        plan = ehc_plan_for_final(case=later, issued_on=first.final_issued_on, by=cast.caseworker)
    assert plan == first.ehc_plan
    assert EhcPlan.objects.filter(child=first.child).count() == 1
    assert plan.first_issued_on == first.final_issued_on


def test_a_child_whose_plan_ceased_gets_a_new_one(cast):
    first = CaseWalk(cast).to(AssessmentStatus.FINAL_ISSUED).refresh()
    EhcPlan.objects.filter(pk=first.ehc_plan_id).update(status=EhcPlanStatus.CEASED)
    later = factories.CaseFactory(child=first.child, council=first.council)
    with transaction.atomic():
        plan = ehc_plan_for_final(case=later, issued_on=first.final_issued_on, by=cast.caseworker)
    assert plan != first.ehc_plan
    assert list(EhcPlan.objects.live().filter(child=first.child)) == [plan]


def test_the_database_refuses_a_second_live_plan_for_one_child(cast):
    child = factories.ChildFactory()
    EhcPlan.objects.create(child=child, council=cast.council, first_issued_on="2026-01-05")
    with pytest.raises(IntegrityError), transaction.atomic():
        EhcPlan.objects.create(child=child, council=cast.council, first_issued_on="2026-02-05")
    # A ceased plan does not count.
    EhcPlan.objects.create(
        child=child, council=cast.council, first_issued_on="2020-02-05", status="CEASED"
    )
    assert EhcPlan.objects.filter(child=child).count() == 2


def test_the_database_still_refuses_a_second_open_assessment(cast):
    case = factories.CaseFactory(council=cast.council)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.CaseFactory(child=case.child, council=cast.council)
    assert Assessment.objects.filter(child=case.child).count() == 1
