from django.urls import path

from . import views

app_name = "assignments"

urlpatterns = [
    path("import/", views.import_upload, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("export/", views.export, name="export"),
]
