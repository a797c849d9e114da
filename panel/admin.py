"""The panels' terms of reference in the support site: who sits on each panel, for which agency
and funder, the chair, the quorum rule and the funders of the health and social care shares.
Administrators edit them here; every change is kept. A member who leaves gets a leaving date,
never a deletion, so every past meeting still shows who sat on it."""

from django.contrib import admin

from agencies.admin import ConfigurationAdmin

from .models import Panel, PanelMember


class PanelMemberInline(admin.TabularInline):
    model = PanelMember
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "agency", "role", "funder", "joined_on", "left_on"]

    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Panel)
class PanelAdmin(ConfigurationAdmin):
    list_display = ["name", "council", "cadence", "quorum_min_members", "is_active"]
    list_filter = ["council", "is_active"]
    search_fields = ["name"]
    inlines = [PanelMemberInline]


@admin.register(PanelMember)
class PanelMemberAdmin(ConfigurationAdmin):
    list_display = ["user", "panel", "agency", "role", "funder", "joined_on", "left_on"]
    list_select_related = ["user", "panel", "agency"]
    list_filter = ["panel", "role", "funder"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "panel__name"]
    autocomplete_fields = ["user"]
