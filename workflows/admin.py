"""The flows' process and task rows in the support site: read-only and audited, like the
casework records (ehcp/governance/admin.py). Support staff use them to see where a case's flow is stuck:
which step is open, whose queue it is in, and when a timer is due."""

from django.contrib import admin

from agencies.admin import ConfigurationAdmin
from agencies.models import DataType
from ehcp.governance.admin import ByCaseReference, SupportRecordAdmin, setting_column

from .models import CaseProcess, CaseTask, StepAlertRule


@admin.register(CaseProcess)
class CaseProcessAdmin(ByCaseReference, SupportRecordAdmin):
    data_types = (DataType.IDENTITY,)
    list_display = ["case", "flow_class", "status", "created", "finished"]
    list_select_related = ["case", "case__child"]
    list_filter = ["status", "flow_class"]
    search_fields = ["case__child__last_name"]


@admin.register(CaseTask)
class CaseTaskAdmin(ByCaseReference, SupportRecordAdmin):
    data_types = (DataType.IDENTITY,)
    school_fields = ("agency",)  # a school's queue (educational advice, consultation)
    list_select_related = ["case", "case__child", "agency", "owner"]
    list_filter = ["status", "flow_task_type", "agency__kind"]
    # Not by agency name: that would say which children a protected child's school holds.
    search_fields = ["case__child__last_name", "owner__username"]

    def get_list_display(self, request):
        return [
            "case",
            "flow_task",
            "flow_task_type",
            "status",
            setting_column("agency", "Queue")(self, request),
            "owner",
            "due_on",
            "scheduled",
        ]


@admin.register(StepAlertRule)
class StepAlertRuleAdmin(ConfigurationAdmin):
    """When each kind of step is reminded, escalated and warned about (workflows.alerts)."""

    list_display = ["__str__", "remind_days_before", "escalate_days_overdue", "warn_days_before"]
    change_reason = "Reminder rule changed in the support site"
