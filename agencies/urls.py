"""The agencies' pages, under /agencies/."""

from django.urls import path

from agencies import views

app_name = "agencies"

urlpatterns = [
    path("settings/search/", views.setting_search, name="setting-search"),
]
