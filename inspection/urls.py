from django.urls import path

from . import views

app_name = "inspection"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("publicity/", views.publicity_list, name="publicity"),
    path("publicity/new/", views.publicity_new, name="publicity_new"),
    path("publicity/targets/", views.publicity_targets, name="publicity_targets"),
    path("publicity/<uuid:pk>/", views.publicity_edit, name="publicity_edit"),
    path("publicity/<uuid:pk>/evidence/", views.publicity_evidence, name="publicity_evidence"),
    path("publicity/<uuid:pk>/photo/", views.publicity_photo, name="publicity_photo"),
    path("survey/", views.survey_list, name="survey"),
    path("survey/import/", views.survey_import_view, name="survey_import"),
    path("survey/import/confirm/", views.survey_import_confirm, name="survey_import_confirm"),
    path("survey/<uuid:pk>/", views.survey_detail, name="survey_detail"),
    path("survey/<uuid:pk>/pool/", views.survey_pool, name="survey_pool"),
    path("requests/", views.requests_list, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<uuid:pk>/", views.request_detail, name="request_detail"),
    path("requests/<uuid:pk>/split/", views.request_split_view, name="request_split"),
    path("requests/parts/<uuid:pk>/", views.request_part, name="request_part"),
    path("requests/parts/<uuid:pk>/answer/", views.request_answer_view, name="request_answer"),
    path("outcome/", views.outcome, name="outcome"),
    path("outcome/<uuid:pk>/", views.outcome_document, name="outcome_document"),
    path("fieldcheck/", views.fieldcheck, name="fieldcheck"),
    path("fieldcheck/handbook/", views.fieldcheck_manual, name="fieldcheck_manual"),
    path("fieldcheck/<uuid:pk>/", views.fieldcheck_item, name="fieldcheck_item"),
    path("fieldcheck/photos/<uuid:pk>/", views.fieldcheck_photo, name="fieldcheck_photo"),
]
