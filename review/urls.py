"""URLs of the city's and the province's workspaces (mounted at /review/)."""

from django.urls import path

from . import views

app_name = "review"

urlpatterns = [
    # The read side (review.views): the workspaces of the city and the province.
    path("city/", views.workspace, {"level": "city"}, name="city"),
    path("city/export/", views.workspace_export, {"level": "city"}, name="city_export"),
    path("city/compare/", views.workspace_compare, {"level": "city"}, name="city_compare"),
    path("province/", views.workspace, {"level": "province"}, name="province"),
    path("province/export/", views.workspace_export, {"level": "province"}, name="province_export"),
    path("province/compare/", views.workspace_compare, {"level": "province"}, name="province_compare"),
]
