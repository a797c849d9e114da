"""The casework records in the support site (/admin/), for administrators to inspect.

Read-only: nothing is added, changed or deleted here (every change goes through a service, with
its rules, history and outbox). Every list and record page that shows a child writes an access
event, with the relationship "support", in the same transaction as the page (AU-01, AU-02).
Protected whereabouts (address, setting, family contacts) are left out unless the person's
ADMINISTRATOR membership carries the explicit permission (DM-02). Who may use the site at all is
decided by agencies.admin_site.SupportAdminSite.
"""

import re
from functools import reduce

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db import transaction
from django.utils.text import capfirst

from agencies.access import actor_for
from agencies.models import AgencyKind, DataType, Role
from ehcp.common.display import agency_label
from ehcp.governance.audit import access_event_write, request_context
from ehcp.governance.models import AccessRelationship, AccessWhat

HIDDEN = "Protected: not shown"


def may_see_protected_whereabouts(user) -> bool:
    """An administrator whose ADMINISTRATOR membership carries the explicit permission."""
    actor = actor_for(user)
    return bool(actor.whereabouts_agency_ids & actor.agency_ids_with_role(Role.ADMINISTRATOR))


def _follow(obj, path: str):
    """obj.case.child for "case__child"; obj itself for ""."""
    return reduce(
        lambda value, name: getattr(value, name, None) if value is not None else None,
        [p for p in path.split("__") if p],
        obj,
    )


class SupportRecordAdmin(admin.ModelAdmin):
    """A casework record in the support site: read-only, audited, whereabouts-aware.

    Subclasses say how to reach the child (`child_path`, "" for a Child) and the case
    (`case_path`, None when there is none), which fields are protected whereabouts, which fields
    are never shown (files, frozen document content) and which data types the record page shows.
    """

    child_path = "case__child"
    case_path: str | None = "case"
    whereabouts_fields: tuple[str, ...] = ()
    # Fields naming an agency that is sometimes the child's school: hidden only when it is one.
    school_fields: tuple[str, ...] = ()
    # The record's name (its __str__) may name the school: replaced when whereabouts are hidden.
    name_may_show_setting = False
    never_shown: tuple[str, ...] = ()
    # Links to advice requests (FK or M2M): shown by kind and case, since an advice request's
    # own name says which agency gave it (for educational advice, the child's school).
    advice_fields: tuple[str, ...] = ()
    data_types: tuple[str, ...] = (DataType.IDENTITY, DataType.EDUCATION)
    list_per_page = 50
    actions = None

    # -- permissions: view only, for the site's administrators --------------------------------

    def has_module_permission(self, request):
        return self.admin_site.has_permission(request)

    def has_view_permission(self, request, obj=None):
        return self.admin_site.has_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # -- which fields show ---------------------------------------------------------------------

    def whereabouts_hidden(self, request, obj) -> bool:
        """True when this record's child has protected whereabouts this person may not see."""
        child = _follow(obj, self.child_path) if obj is not None else None
        if child is None or not child.protected_whereabouts:
            return False
        return not may_see_protected_whereabouts(request.user)

    def hidden_fields(self, request, obj) -> tuple[str, ...]:
        """The whereabouts fields to leave out of this record's page."""
        if not self.whereabouts_hidden(request, obj):
            return ()
        schools = tuple(
            name
            for name in self.school_fields
            if getattr(getattr(obj, name, None), "kind", None) == AgencyKind.SCHOOL
        )
        return self.whereabouts_fields + schools

    def record_name(self, request, obj):
        """What the page calls the record: its own name, unless that could name a protected
        child's school (then its kind, number and case)."""
        if not (self.name_may_show_setting and self.whereabouts_hidden(request, obj)):
            return obj
        case = _follow(obj, self.case_path) if self.case_path is not None else None
        label = f"{capfirst(self.model._meta.verbose_name)} {obj.pk}"
        return _Named(obj.pk, f"{label} on {case.reference}" if case is not None else label)

    def get_fields(self, request, obj=None):
        hidden = set(self.never_shown) | set(self.hidden_fields(request, obj))
        return [
            f"{field.name}_by_kind" if field.name in self.advice_fields else field.name
            for field in self.model._meta.get_fields()
            if (field.concrete or field.many_to_many)
            and not field.auto_created
            and field.name not in hidden
        ]

    @admin.display(description="Advice request")
    def advice_request_by_kind(self, obj):
        return _advice_label(obj.advice_request) if obj.advice_request_id else "–"

    @admin.display(description="Advice")
    def advice_by_kind(self, obj):
        return ", ".join(_advice_label(advice) for advice in obj.advice.all()) or "–"

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    # -- the read audit -------------------------------------------------------------------------

    def _audit(self, request, *, what, case=None, child=None, child_ids=None, data_types=()):
        access_event_write(
            user=request.user,
            what=what,
            case=case,
            child=child,
            child_ids=child_ids,
            data_types=data_types,
            relationship=AccessRelationship.SUPPORT,
            **request_context(request),
        )

    def _audit_record(self, request, obj):
        types = set(self.data_types)
        if self.whereabouts_fields and not self.hidden_fields(request, obj):
            types.add(DataType.CONTACT)
        case = _follow(obj, self.case_path) if self.case_path is not None else None
        self._audit(
            request,
            what=AccessWhat.CASE,
            case=case,
            child=_follow(obj, self.child_path),
            data_types=types,
        )

    def changelist_view(self, request, extra_context=None):
        with transaction.atomic():
            response = super().changelist_view(request, extra_context)
            changelist = getattr(response, "context_data", None) or {}
            changelist = changelist.get("cl")
            if changelist is not None and 200 <= response.status_code < 300:
                pks = [obj.pk for obj in changelist.result_list]
                child_field = self.child_path or "pk"
                child_ids = self.model._default_manager.filter(pk__in=pks).values_list(
                    child_field, flat=True
                )
                self._audit(
                    request,
                    what=AccessWhat.LIST,
                    child_ids=[pk for pk in child_ids if pk is not None],
                    data_types=[DataType.IDENTITY],
                )
                response.render()
            return response

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            self._audit_record(request, obj)
            context["original"] = self.record_name(request, obj)
            context["subtitle"] = str(context["original"])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        with transaction.atomic():
            response = super().change_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render"):
                response.render()
            return response

    def history_view(self, request, object_id, extra_context=None):
        with transaction.atomic():
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                name = self.record_name(request, obj)
                extra_context = {
                    **(extra_context or {}),
                    "object": name,
                    "title": f"Change history: {name}",
                }
            response = super().history_view(request, object_id, extra_context)
            if 200 <= response.status_code < 300:
                if obj is not None:
                    self._audit(
                        request,
                        what=AccessWhat.CASE,
                        case=_follow(obj, self.case_path) if self.case_path is not None else None,
                        child=_follow(obj, self.child_path),
                        data_types=[DataType.IDENTITY],
                    )
                if hasattr(response, "render"):
                    response.render()
            return response


def _advice_label(advice) -> str:
    return f"{advice.get_kind_display()} on {advice.case.reference}"


class _Named:
    """Stands in for a record in the page's title and breadcrumbs: its key and a safe name."""

    def __init__(self, pk, name: str):
        self.pk = pk
        self.name = name

    def __str__(self):
        return self.name


def case_reference_search(queryset, term: str, path: str):
    """Let support staff find records by case reference ("EHC000123" or "123")."""
    match = re.fullmatch(r"(?:EHC)?0*(\d{1,9})", term.strip(), flags=re.IGNORECASE)
    if not match:
        return None
    return queryset.filter(**{path or "pk": int(match.group(1))})


class ByCaseReference:
    """A mixin: the search box also finds the case's reference."""

    case_search_path = "case_id"

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        by_reference = case_reference_search(queryset, search_term, self.case_search_path)
        if by_reference is not None:
            results = results | by_reference
        return results, may_have_duplicates


def setting_column(path: str, description: str):
    """A list column naming an agency, except a school when the child's whereabouts are
    protected and the viewer may not see them. Built per request (`get_list_display`)."""

    def column_for(admin_, request):
        allowed = may_see_protected_whereabouts(request.user)

        def column(obj):
            agency = _follow(obj, path)
            if agency is None:
                return "–"
            child = _follow(obj, admin_.child_path)
            shown = allowed or child is None or not child.protected_whereabouts
            return agency_label(agency, whereabouts=shown)

        column.short_description = description
        return column

    return column_for
