from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config import views as project_views
from workflows import views as workflow_views


class SignOutView(auth_views.LogoutView):
    """Sign out, and tell the browser to forget everything it kept for this site (DM-05)."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "cookies", "storage"'
        return response


urlpatterns = [
    path("", workflow_views.home, name="home"),
    path("sign-in/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("sign-out/", SignOutView.as_view(), name="logout"),
    path("tasks/", include("workflows.urls")),
    path("cases/", include("ehcp.assessments.urls")),
    path("children/", include("ehcp.children.urls")),
    path("reviews/", include("ehcp.reviews.urls")),
    path("reviews/<uuid:public_id>/plan/", include("ehcp.plans.review_urls")),
    path("governance/", include("ehcp.governance.urls")),
    path("panel/", include("panel.urls")),
    path("notifications/", include("notifications.urls")),
    path("agencies/", include("agencies.urls")),
    path("admin/", admin.site.urls),
    path("favicon.ico", project_views.favicon, name="favicon"),
]

handler500 = "config.views.server_error"
