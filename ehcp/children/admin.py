"""The child, parents, consent and young-person records in the support site, read-only and
audited (the base is ehcp/governance/admin.py)."""

from django.contrib import admin

from agencies.models import DataType
from ehcp.children.models import (
    Child,
    ConsentOverride,
    ConsentRecord,
    ParentCarer,
    YoungPersonRecord,
)
from ehcp.governance.admin import ByCaseReference, SupportRecordAdmin


@admin.register(Child)
class ChildAdmin(SupportRecordAdmin):
    child_path = ""
    case_path = None
    whereabouts_fields = ("address", "postcode", "current_setting")
    data_types = (DataType.IDENTITY, DataType.IDENTIFIERS, DataType.EDUCATION)
    list_display = [
        "__str__",
        "date_of_birth",
        "primary_need",
        "protected_whereabouts",
        "created_at",
    ]
    list_filter = ["protected_whereabouts", "primary_need"]
    search_fields = ["first_name", "last_name", "upn", "nhs_number"]


@admin.register(ParentCarer)
class ParentCarerAdmin(SupportRecordAdmin):
    child_path = "child"
    case_path = None
    whereabouts_fields = ("email", "phone", "address")
    data_types = (DataType.IDENTITY,)
    list_display = ["name", "relationship", "child", "has_parental_responsibility"]
    list_select_related = ["child"]
    list_filter = ["has_parental_responsibility"]
    search_fields = ["name", "child__first_name", "child__last_name"]


@admin.register(ConsentRecord)
class ConsentRecordAdmin(SupportRecordAdmin):
    child_path = "child"
    case_path = "case"
    whereabouts_fields = ("agencies",)  # the agencies consented to include the school
    data_types = (DataType.IDENTITY,)
    list_display = [
        "child",
        "purpose",
        "given_by",
        "given_on",
        "method",
        "withdrawn_on",
        "recorded_by",
    ]
    list_select_related = ["child", "recorded_by"]
    list_filter = ["purpose", "given_by", "method"]
    search_fields = ["child__first_name", "child__last_name", "given_by_name"]


@admin.register(ConsentOverride)
class ConsentOverrideAdmin(ByCaseReference, SupportRecordAdmin):
    data_types = (DataType.IDENTITY,)
    list_display = ["case", "step", "authorised_by", "authorised_at"]
    list_select_related = ["case", "case__child", "authorised_by"]
    list_filter = ["step"]
    search_fields = ["case__child__last_name"]


@admin.register(YoungPersonRecord)
class YoungPersonRecordAdmin(SupportRecordAdmin):
    """A lack of capacity (Mental Capacity Act 2005) or the young person's agreement."""

    child_path = "child"
    case_path = None
    data_types = (DataType.IDENTITY, DataType.HEALTH)
    list_display = ["child", "kind", "from_on", "ended_on", "recorded_by"]
    list_select_related = ["child", "recorded_by"]
    list_filter = ["kind"]
    search_fields = ["child__first_name", "child__last_name"]
