"""The support site (Django's admin at /admin/), for the council's administrators.

Only a person who is staff AND holds an active ADMINISTRATOR membership may use it; being staff
or a superuser alone is not enough, and revoking the membership takes effect on the next
request (memberships are read afresh by `actor_for`). Agencies, memberships and the access table
are configuration and editable here; the casework records are read-only and every view of a
child's record is audited (ehcp/governance/admin.py).
"""

from django.contrib import admin

from .access import actor_for
from .models import Role


def is_support_admin(user) -> bool:
    """Staff, active, and an administrator of at least one active agency."""
    if user is None or not user.is_authenticated or not user.is_active or not user.is_staff:
        return False
    return actor_for(user).has_role(Role.ADMINISTRATOR)


class SupportAdminSite(admin.AdminSite):
    site_header = "SEND casework: support"
    site_title = "SEND casework support"
    index_title = "Records and configuration"
    site_url = "/"

    def has_permission(self, request):
        return is_support_admin(request.user)
