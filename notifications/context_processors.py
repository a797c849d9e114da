from .services import notice_unread_count


def notices(request):
    """How many unread notices the signed-in person has, for the page header. Counted only when
    a page shows it (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notice_count": lambda: notice_unread_count(user)}
