"""Who works a case: an SEN manager gives a case to another caseworker, with a reason."""

from django.db import transaction

from agencies.access import actor_for
from agencies.models import COUNCIL_CASEWORK_ROLES, Membership
from ehcp.assessments.models import OPEN_STATUSES, Assessment
from ehcp.common.services import CaseRuleError, history_save

# The reason is kept as the history's change reason (100 characters with the prefix).
CASEWORKER_REASON_MAX = 80
CASEWORKER_REASON_PREFIX = "Caseworker changed: "


def caseworkers_of(council_id: int):
    """People who may hold the council's cases: active caseworkers and SEN managers."""
    from django.contrib.auth import get_user_model

    user_ids = (
        Membership.objects.active()
        .filter(agency_id=council_id, role__in=COUNCIL_CASEWORK_ROLES)
        .values_list("user_id", flat=True)
    )
    return (
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .order_by("first_name", "last_name")
    )


def case_caseworker_change(*, case: Assessment, caseworker, reason: str, by) -> Assessment:
    """Give the case to another caseworker of the same council. Only a manager of the council
    may; the reason goes in the case's history (who, when, why)."""
    reason = (reason or "").strip()
    if not actor_for(by).can_manage_agency(case.council_id):
        raise CaseRuleError("Only an SEN manager of the council can change a case's caseworker")
    if not reason:
        raise CaseRuleError("Enter the reason for changing the caseworker")
    if len(reason) > CASEWORKER_REASON_MAX:
        raise CaseRuleError(f"The reason must be {CASEWORKER_REASON_MAX} characters or fewer")
    with transaction.atomic():
        case = Assessment.objects.select_for_update().select_related("child").get(pk=case.pk)
        if case.status not in OPEN_STATUSES:
            raise CaseRuleError("This case is closed, so its caseworker cannot be changed")
        if (
            caseworker is None
            or not caseworkers_of(case.council_id).filter(pk=caseworker.pk).exists()
        ):
            raise CaseRuleError(
                "Select a caseworker or SEN manager who works for the council that holds the case"
            )
        if case.caseworker_id == caseworker.pk:
            name = caseworker.get_full_name() or caseworker.username
            raise CaseRuleError(f"{name} is already the caseworker for this case")
        case.caseworker = caseworker
        history_save(case, CASEWORKER_REASON_PREFIX + reason, by)
    return case
