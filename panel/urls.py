from django.urls import path

from . import views

app_name = "panel"

urlpatterns = [
    path("", views.home, name="home"),
    path("requests/", views.request_list, name="requests"),
    path("requests/new/<uuid:plan_id>/", views.request_new, name="request-new"),
    path("requests/<uuid:public_id>/", views.request_detail, name="request"),
    path("requests/<uuid:public_id>/change/", views.request_edit, name="request-edit"),
    path("requests/<uuid:public_id>/ready/", views.request_ready, name="request-ready"),
    path("requests/<uuid:public_id>/withdraw/", views.request_withdraw, name="request-withdraw"),
    path("panels/<uuid:panel_id>/meetings/new/", views.meeting_new, name="meeting-new"),
    path("meetings/<uuid:public_id>/", views.meeting_detail, name="meeting"),
    path("meetings/<uuid:public_id>/agenda/", views.meeting_agenda_add, name="meeting-agenda"),
    path("meetings/<uuid:public_id>/papers/", views.meeting_papers, name="meeting-papers"),
    path("meetings/<uuid:public_id>/open/", views.meeting_open, name="meeting-open"),
    path(
        "meetings/<uuid:public_id>/attendance/",
        views.meeting_attendance,
        name="meeting-attendance",
    ),
    path("meetings/<uuid:public_id>/close/", views.meeting_close, name="meeting-close"),
    path("meetings/<uuid:public_id>/reopen/", views.meeting_reopen, name="meeting-reopen"),
    path("meetings/<uuid:public_id>/confirm/", views.meeting_confirm, name="meeting-confirm"),
    path("meetings/<uuid:public_id>/cancel/", views.meeting_cancel, name="meeting-cancel"),
    path("items/<uuid:public_id>/", views.item_detail, name="item"),
    path("documents/<uuid:public_id>/", views.document_download, name="document"),
    path("commitments/", views.commitments, name="commitments"),
]
