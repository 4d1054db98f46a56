from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("jobs/", views.jobs, name="jobs"),
    path("compile/", views.compile_view, name="compile"),
    path("jobs/<uuid:pk>/download/", views.download, name="download"),
    path("answers/<uuid:pk>/", views.answers, name="answers"),
    path("submit/", views.submit, name="submit"),
    path("submissions/", views.submission_list, name="submissions"),
    path("submissions/<uuid:pk>/", views.submission_detail, name="submission"),
    path("submissions/<uuid:pk>/<str:part>/", views.submission_download, name="submission_download"),
]
