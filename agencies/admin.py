"""Configuration in the support site: agencies, memberships and the access table (the
information sharing agreement as data). Administrators edit them here; every change is kept by
django-simple-history with who made it and a reason. Agencies and memberships are deactivated,
never deleted, so the record of who could see what stays whole."""

from django.contrib import admin
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from .models import Agency, DataAccessRule, Membership, SharingAgreement
from .rules import agreements as agreement_rules


class ConfigurationAdmin(SimpleHistoryAdmin):
    """Editable by the site's administrators (SupportAdminSite decides who they are)."""

    change_reason = "Changed in the support site"

    def has_module_permission(self, request):
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request):
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj._change_reason = self.change_reason if change else "Added in the support site"
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            inline_form.instance._change_reason = self.change_reason
        super().save_formset(request, form, formset, change)

    def delete_model(self, request, obj):
        obj._change_reason = "Deleted in the support site"
        super().delete_model(request, obj)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]

    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Agency)
class AgencyAdmin(ConfigurationAdmin):
    list_display = ["name", "kind", "urn", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "urn"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ConfigurationAdmin):
    list_display = [
        "user",
        "agency",
        "role",
        "is_active",
        "is_agency_manager",
        "may_see_protected_whereabouts",
    ]
    list_select_related = ["user", "agency"]
    list_filter = [
        "role",
        "agency__kind",
        "is_active",
        "is_agency_manager",
        "may_see_protected_whereabouts",
    ]
    search_fields = ["user__username", "user__first_name", "user__last_name", "agency__name"]


@admin.register(DataAccessRule)
class DataAccessRuleAdmin(ConfigurationAdmin):
    list_display = ["agency_kind", "purpose", "data_type"]
    list_filter = ["agency_kind", "purpose", "data_type"]
    search_fields = ["purpose"]

    def has_delete_permission(self, request, obj=None):
        # Withdrawing a permission from the agreement is a change like any other (history keeps it).
        return self.admin_site.has_permission(request)


@admin.register(SharingAgreement)
class SharingAgreementAdmin(ConfigurationAdmin):
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
