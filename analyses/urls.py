"""Security analyses in the coordinators' portal (below /kommune/<AGS>/sicherheitsanalyse/)."""

from django.urls import path

from . import views

app_name = "analyses"
PREFIX = "kommune/<str:ags>/sicherheitsanalyse/"

urlpatterns = [
    path(PREFIX, views.analysis_list, name="list"),
    path(f"{PREFIX}<int:pk>/", views.analysis_detail, name="analysis"),
    path(f"{PREFIX}<int:pk>/aufgaben/<int:task>/", views.task_tick, name="tick"),
    path(f"{PREFIX}<int:pk>/abschlussbericht/", views.final_report, name="report"),
]
