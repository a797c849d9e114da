from django.contrib import admin
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from .models import Agency, Membership, SharingAgreement
from .rules import agreements as agreement_rules


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "agency", "role", "is_active"]
    list_filter = ["role", "agency__kind", "is_active"]
    search_fields = ["user__username", "user__last_name", "agency__name"]


@admin.register(SharingAgreement)
class SharingAgreementAdmin(SimpleHistoryAdmin):
    """The information sharing agreements (LB-06): who is a party, and when each is in force.
    Only parties to an agreement in force may use break-glass on the council's cases (AC-07)."""

    list_display = [
        "reference",
        "council",
        "starts_on",
        "review_on",
        "ends_on",
        "in_force_today",
        "review_is_due",
    ]
    list_filter = ["council"]
    search_fields = ["reference", "parties__name"]
    filter_horizontal = ["parties"]

    @admin.display(boolean=True, description="In force today")
    def in_force_today(self, obj):
        today = timezone.localdate()
        return agreement_rules.in_force(starts_on=obj.starts_on, ends_on=obj.ends_on, today=today)

    @admin.display(boolean=True, description="Review overdue")
    def review_is_due(self, obj):
        return agreement_rules.review_overdue(review_on=obj.review_on, today=timezone.localdate())
