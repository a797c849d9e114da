"""The child's page, under /children/."""

from django.urls import path

from ehcp.children import views

app_name = "children"

urlpatterns = [
    path("<uuid:public_id>/", views.child_detail, name="child-detail"),
]
