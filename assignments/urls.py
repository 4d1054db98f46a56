from django.urls import path

from . import views

app_name = "assignments"

urlpatterns = [
    path("", views.assignment_list, name="list"),
    path("bulk/", views.bulk, name="bulk"),
    path("board/", views.board, name="board"),
    path("circulars/", views.circulars, name="circulars"),
    path("circulars/<uuid:pk>/", views.circular, name="circular"),
    path("import/", views.import_upload, name="import"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("export/", views.export, name="export"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/move/", views.move, name="move"),
    path("<uuid:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("<uuid:pk>/deadline/", views.change_deadline, name="deadline"),
    path("<uuid:pk>/reassign/", views.change_unit, {"action": "reassign"}, name="reassign"),
    path("<uuid:pk>/add-unit/", views.change_unit, {"action": "add"}, name="add_unit"),
    path("<uuid:pk>/remove/", views.change_unit, {"action": "remove"}, name="remove"),
]
