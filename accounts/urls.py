from django.contrib.auth import views as auth_views
from django.urls import path

from .forms import EmailAuthenticationForm

urlpatterns = [
    path(
        "anmelden/",
        auth_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=False
        ),
        name="login",
    ),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
]
