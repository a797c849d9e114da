from django.urls import reverse

from .services import notice_unread_count


def notices(request):
    """The links to the signed-in person's notices and their notification settings, and how many
    notices are unread, for the page header (templates/base.html is shared by every app, so it is
    given the links rather than reversing them). Counted only when a page shows it (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "notices_url": reverse("notifications:list"),
        "notification_settings_url": reverse("notifications:preferences"),
        "unread_notice_count": lambda: notice_unread_count(user),
    }
