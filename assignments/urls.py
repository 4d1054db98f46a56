from django.urls import path

from . import views

app_name = "assignments"

# Mounted at the root (config/urls.py): the tree page keeps the address it had under indicators/.
urlpatterns = [
    path("indicators/<uuid:pk>/", views.tree, name="tree"),
    path("assignments/", views.assignment_list, name="list"),
    path("assignments/bulk/", views.bulk, name="bulk"),
    path("assignments/board/", views.board, name="board"),
    path("assignments/circulars/", views.circulars, name="circulars"),
    path("assignments/circulars/new/", views.circular_new, name="circular_new"),
    path("assignments/circulars/<uuid:pk>/", views.circular, name="circular"),
    path("assignments/circulars/<uuid:pk>/pdf/", views.circular_pdf, name="circular_pdf"),
    path("assignments/circulars/<uuid:pk>/docx/", views.circular_docx, name="circular_docx"),
    path("assignments/import/", views.import_upload, name="import"),
    path("assignments/import/confirm/", views.import_confirm, name="import_confirm"),
    path("assignments/export/", views.export, name="export"),
    path("assignments/<uuid:pk>/", views.detail, name="detail"),
    path("assignments/<uuid:pk>/move/", views.move, name="move"),
    path("assignments/<uuid:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("assignments/<uuid:pk>/deadline/", views.change_deadline, name="deadline"),
    path("assignments/<uuid:pk>/reassign/", views.change_unit, {"action": "reassign"}, name="reassign"),
    path("assignments/<uuid:pk>/add-unit/", views.change_unit, {"action": "add"}, name="add_unit"),
    path("assignments/<uuid:pk>/remove/", views.change_unit, {"action": "remove"}, name="remove"),
]
