"""The public figures (/zahlen/) and the staff dashboard (/admin/zahlen/).

Included before ``admin.site.urls``: the admin's catch-all would otherwise answer /admin/zahlen/.
"""

from django.contrib import admin
from django.urls import path

from . import dashboard, views

app_name = "figures"

urlpatterns = [
    path("zahlen/", views.public, name="public"),
    path("zahlen/karte.geojson", views.public_geojson, name="public_geojson"),
    path("zahlen/kommunen/", views.public_municipalities, name="public_municipalities"),
    path("admin/zahlen/", admin.site.admin_view(dashboard.dashboard), name="dashboard"),
    path(
        "admin/zahlen/karte.geojson",
        admin.site.admin_view(dashboard.dashboard_geojson),
        name="dashboard_geojson",
    ),
    path(
        "admin/zahlen/kommunen/",
        admin.site.admin_view(dashboard.municipality_list),
        name="dashboard_municipalities",
    ),
    path(
        "admin/zahlen/kommunen.csv",
        admin.site.admin_view(dashboard.municipality_list_csv),
        name="dashboard_municipalities_csv",
    ),
]
