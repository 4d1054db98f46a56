from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("", views.framework_list, name="list"),
    path("import/", views.framework_import_upload, name="import"),
    path("import/confirm/", views.framework_import_confirm, name="import_confirm"),
]
