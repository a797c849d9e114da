"""The support site: what the council requires per kind of message (editable, with history), and
people's own choices (read-only: a person's choice is theirs to change, on their preferences
page; the history shows who changed it and when)."""

from django.contrib import admin

from agencies.admin import ConfigurationAdmin

from .models import NotificationPreference, NotificationRequirement


@admin.register(NotificationRequirement)
class NotificationRequirementAdmin(ConfigurationAdmin):
    list_display = ["kind", "email_required", "in_app_required"]
    list_filter = ["email_required", "in_app_required"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ConfigurationAdmin):
    list_display = ["user", "kind", "email", "in_app", "updated_at"]
    list_select_related = ["user"]
    list_filter = ["kind", "email", "in_app"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    readonly_fields = ["user", "kind", "email", "in_app", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
