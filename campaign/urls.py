from django.urls import path

from . import views

app_name = "campaign"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_edit, name="create"),
    path("<uuid:pk>/", views.campaign_detail, name="detail"),
    path("<uuid:pk>/edit/", views.campaign_edit, name="edit"),
    path("<uuid:pk>/stage/", views.campaign_stage, name="stage"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("assessments/", views.assessment_list, name="assessments"),
    path("assessments/export/", views.assessment_export_view, name="assessment_export"),
    path("assessments/import/", views.assessment_import_view, name="assessment_import"),
    path("assessments/import/confirm/", views.assessment_import_confirm, name="assessment_import_confirm"),
    path("assessments/<uuid:indicator>/", views.assessment_edit, name="assessment"),
    path("rectifications/", views.rectification_list, name="rectifications"),
    path("rectifications/<uuid:pk>/close/", views.rectification_close_view, name="rectification_close"),
]
