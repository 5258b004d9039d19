"""URLs of the coordinators' portal: everything below /kommune/<AGS>/."""

from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.portal_entry, name="entry"),
    path("<str:ags>/", views.start, name="start"),
    path("<str:ags>/daten/", views.municipality_data, name="municipality_data"),
    path("<str:ags>/praeventionsrat/", views.council_overview, name="council"),
    path("<str:ags>/praeventionsrat/neu/", views.council_new, name="council_new"),
    path("<str:ags>/praeventionsrat/<int:pk>/bearbeiten/", views.council_edit, name="council_edit"),
    path(
        "<str:ags>/praeventionsrat/<int:pk>/sitzungen/neu/", views.meeting_new, name="meeting_new"
    ),
    path("<str:ags>/sitzungen/<int:pk>/bearbeiten/", views.meeting_edit, name="meeting_edit"),
    path(
        "<str:ags>/sitzungen/<int:pk>/niederschrift/", views.meeting_minutes, name="meeting_minutes"
    ),
    path("<str:ags>/anfragen/", views.requests, name="requests"),
    path("<str:ags>/anfragen/neu/<slug:kind>/", views.request_new, name="request_new"),
    path("<str:ags>/dokumente/", views.documents, name="documents"),
]
