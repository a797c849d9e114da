"""The child's EHC plan for life (`EhcPlan`): made by the assessment that issues the first final
plan, changed by later episodes.

Called inside the episode service's transaction (today `plan_final_issue`), so the plan, the
link from the episode and the episode's own change commit together or not at all."""

from datetime import date

from ..models import Case, EhcPlan, EhcPlanStatus
from .common import history_save

MADE = "EHC plan made: first final plan issued"
CHANGED = "Final plan issued by a later assessment of the child"


def ehc_plan_for_final(*, case: Case, issued_on: date, by) -> EhcPlan:
    """The plan an assessment's final plan belongs to: the child's live plan, or a new one.

    A child has at most one live plan (the database refuses a second). A re-assessment of a child
    whose plan is in force changes that plan; a child whose plan ceased gets a new one."""
    plan = EhcPlan.objects.select_for_update().live().filter(child_id=case.child_id).first()
    if plan is None:
        plan = EhcPlan(
            child_id=case.child_id,
            council_id=case.council_id,
            status=EhcPlanStatus.IN_FORCE,
            first_issued_on=issued_on,
        )
        history_save(plan, MADE, by)
    case.ehc_plan = plan
    return plan
