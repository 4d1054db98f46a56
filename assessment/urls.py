from django.urls import path

from . import views

app_name = "assessment"

# Mounted under campaigns/ (config/urls.py): the addresses predate this app.
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("assessments/", views.assessment_list, name="list"),
    path("assessments/export/", views.assessment_export_view, name="export"),
    path("assessments/import/", views.assessment_import_view, name="import"),
    path("assessments/import/confirm/", views.assessment_import_confirm, name="import_confirm"),
    path("assessments/<uuid:indicator>/", views.assessment_edit, name="edit"),
    path("rectifications/", views.rectification_list, name="rectifications"),
    path("rectifications/new/", views.rectification_new, name="rectification_new"),
    path("rectifications/<uuid:pk>/", views.rectification_detail, name="rectification"),
    path("rectifications/<uuid:pk>/report/", views.rectification_report_view, name="rectification_report"),
    path("rectifications/<uuid:pk>/close/", views.rectification_close_view, name="rectification_close"),
    path("rectifications/<uuid:pk>/return/", views.rectification_return_view, name="rectification_return"),
]
