"""The assessment records in the support site: assessments, advice, consultations and
exceptions, read-only and audited (the base is ehcp/governance/admin.py)."""

from django.contrib import admin

from agencies.models import DataType
from ehcp.assessments.models import (
    AdviceEntry,
    AdviceRequest,
    Assessment,
    SettingConsultation,
    StatutoryException,
)
from ehcp.governance.admin import ByCaseReference, SupportRecordAdmin, setting_column


@admin.register(Assessment)
class AssessmentAdmin(ByCaseReference, SupportRecordAdmin):
    child_path = "child"
    case_path = ""
    case_search_path = "pk"
    whereabouts_fields = ("requested_setting", "named_setting")
    list_display = [
        "reference",
        "child",
        "status",
        "council",
        "caseworker",
        "request_received_on",
        "final_plan_due_on",
        "closed_on",
    ]
    list_select_related = ["child", "council", "caseworker"]
    list_filter = ["status", "council", "requested_by"]
    search_fields = ["child__first_name", "child__last_name", "requester_name"]
    date_hierarchy = "request_received_on"


@admin.register(AdviceRequest)
class AdviceRequestAdmin(ByCaseReference, SupportRecordAdmin):
    # A school asked for educational advice is the child's setting: whereabouts.
    school_fields = ("agency",)
    name_may_show_setting = True  # "Educational advice from <school>"
    data_types = (DataType.IDENTITY, DataType.PLAN)
    list_select_related = ["case", "case__child", "agency"]
    list_filter = ["kind", "status", "agency__kind"]
    search_fields = ["case__child__last_name"]

    def get_list_display(self, request):
        return [
            "case",
            "kind",
            setting_column("agency", "Agency")(self, request),
            "status",
            "requested_on",
            "due_on",
            "received_on",
        ]


@admin.register(AdviceEntry)
class AdviceEntryAdmin(ByCaseReference, SupportRecordAdmin):
    child_path = "advice_request__case__child"
    case_path = "advice_request__case"
    advice_fields = ("advice_request",)
    case_search_path = "advice_request__case_id"
    data_types = (DataType.IDENTITY, DataType.PLAN)
    list_display = ["__str__", "advice_kind", "kind", "plan_section", "updated_at"]
    list_select_related = ["advice_request", "advice_request__agency", "advice_request__case"]
    list_filter = ["kind", "plan_section"]
    search_fields = ["advice_request__case__child__last_name"]

    @admin.display(description="Advice")
    def advice_kind(self, obj):
        return f"{obj.advice_request.get_kind_display()} on {obj.advice_request.case.reference}"


@admin.register(SettingConsultation)
class SettingConsultationAdmin(ByCaseReference, SupportRecordAdmin):
    whereabouts_fields = ("setting",)
    name_may_show_setting = True  # "Consultation with <school>"
    list_select_related = ["case", "case__child", "setting"]
    list_filter = ["response"]
    search_fields = ["case__child__last_name"]

    def get_list_display(self, request):
        return [
            "case",
            setting_column("setting", "Setting")(self, request),
            "sent_on",
            "reply_due_on",
            "replied_on",
            "response",
        ]


@admin.register(StatutoryException)
class StatutoryExceptionAdmin(ByCaseReference, SupportRecordAdmin):
    advice_fields = ("advice_request",)
    list_display = ["case", "period_code", "limb", "starts_on", "ends_on", "recorded_by"]
    list_select_related = ["case", "case__child", "recorded_by"]
    list_filter = ["limb", "period_code"]
    search_fields = ["case__child__last_name"]
