"""URLs of funding applications in the coordinators' portal (below /kommune/<AGS>/foerderung/)."""

from django.urls import path

from . import views

app_name = "funding"
PREFIX = "kommune/<str:ags>/foerderung/"

urlpatterns = [
    path(PREFIX, views.application_list, name="applications"),
    path(f"{PREFIX}<int:pk>/", views.application_detail, name="application"),
    path(f"{PREFIX}<int:pk>/schritt/<slug:step>/", views.application_step, name="step"),
    path(f"{PREFIX}<int:pk>/pruefung/", views.plan_check, name="plan_check"),
    path(f"{PREFIX}<int:pk>/einreichen/", views.application_submit_view, name="submit"),
    path(f"{PREFIX}<int:pk>/zurueckziehen/", views.application_withdraw_view, name="withdraw"),
    path(f"{PREFIX}<int:pk>/verwendungsnachweis/", views.proof, name="proof"),
    path(
        f"{PREFIX}<int:pk>/anlagen/<int:attachment>/", views.attachment_download, name="attachment"
    ),
    path(f"{PREFIX}bescheide/<int:pk>/", views.letter_download, name="letter"),
]
