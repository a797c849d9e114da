"""The plan records in the support site: the child's EHC plans, working copies, entries and issued
documents, read-only and audited (the base is ehcp/governance/admin.py)."""

from django.contrib import admin

from agencies.models import DataType
from ehcp.governance.admin import ByCaseReference, SupportRecordAdmin
from ehcp.plans.models import (
    DocumentRender,
    EhcPlan,
    Plan,
    PlanDocument,
    PlanNeed,
    PlanOutcome,
    PlanProvision,
)


@admin.register(EhcPlan)
class EhcPlanAdmin(SupportRecordAdmin):
    child_path = "child"
    case_path = None
    data_types = (DataType.IDENTITY, DataType.PLAN)
    list_display = ["reference", "child", "status", "council", "first_issued_on", "ceased_on"]
    list_select_related = ["child", "council"]
    list_filter = ["status", "council"]
    search_fields = ["child__first_name", "child__last_name"]
    date_hierarchy = "first_issued_on"


@admin.register(Plan)
class PlanAdmin(ByCaseReference, SupportRecordAdmin):
    data_types = (DataType.IDENTITY, DataType.PLAN)
    list_display = ["case", "placement_type", "created_at", "updated_at"]
    list_select_related = ["case", "case__child"]
    search_fields = ["case__child__last_name"]


class PlanEntryAdmin(ByCaseReference, SupportRecordAdmin):
    child_path = "plan__case__child"
    case_path = "plan__case"
    advice_fields = ("advice",)
    case_search_path = "plan__case_id"
    data_types = (DataType.IDENTITY, DataType.PLAN)
    list_display = ["__str__", "plan", "section", "status", "updated_at"]
    list_select_related = ["plan", "plan__case", "plan__case__child"]
    list_filter = ["status", "section"]
    search_fields = ["plan__case__child__last_name"]


@admin.register(PlanNeed)
class PlanNeedAdmin(PlanEntryAdmin):
    pass


@admin.register(PlanOutcome)
class PlanOutcomeAdmin(PlanEntryAdmin):
    list_display = ["__str__", "plan", "by_when", "status", "updated_at"]
    list_filter = ["status"]


@admin.register(PlanProvision)
class PlanProvisionAdmin(PlanEntryAdmin):
    pass


@admin.register(PlanDocument)
class PlanDocumentAdmin(ByCaseReference, SupportRecordAdmin):
    # The frozen content and the file hold the whole plan (and, for some, whereabouts): staff
    # download documents from the case's documents page, where access is decided and audited.
    never_shown = ("content", "file")
    data_types = (DataType.IDENTITY,)
    list_display = ["case", "kind", "version", "issued_on", "issued_by", "size"]
    list_select_related = ["case", "case__child", "issued_by"]
    list_filter = ["kind"]
    search_fields = ["case__child__last_name", "sha256"]


@admin.register(DocumentRender)
class DocumentRenderAdmin(ByCaseReference, SupportRecordAdmin):
    never_shown = ("content",)
    data_types = (DataType.IDENTITY,)
    list_display = ["case", "kind", "version", "status", "attempts", "requested_at", "last_error"]
    list_select_related = ["case", "case__child"]
    list_filter = ["status", "kind"]
    search_fields = ["case__child__last_name"]
