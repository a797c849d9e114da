from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from workflows import views as workflow_views

urlpatterns = [
    path("", workflow_views.home, name="home"),
    path("sign-in/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("tasks/", include("workflows.urls")),
    path("cases/", include("ehcp.urls")),
    path("admin/", admin.site.urls),
]
