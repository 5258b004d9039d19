from django.urls import path

from . import views

app_name = "agreements"

urlpatterns = [
    path("coaching/", views.coach_process_list, name="coach_process_list"),
    path("coaching/<int:pk>/", views.coach_process_detail, name="coach_process_detail"),
    path("coaching/<int:pk>/bearbeiten/", views.coach_process_edit, name="coach_process_edit"),
    path("coaching/<int:pk>/termine/neu/", views.coach_session_create, name="coach_session_create"),
    path(
        "coaching/termine/<int:pk>/bearbeiten/", views.coach_session_edit, name="coach_session_edit"
    ),
    path(
        "kommune/<str:ags>/dokumente/kv/<int:pk>/",
        views.coordinator_document,
        name="coordinator_document",
    ),
]
