from django.urls import path

from . import views

app_name = "evidence"

urlpatterns = [
    path("review/", views.queue, name="queue"),
    path("review/accept/", views.bulk_accept, name="bulk_accept"),
    path("add/<uuid:share>/files/", views.add_files, name="add_files"),
    path("add/<uuid:share>/link/", views.add_link, name="add_link"),
    path("add/<uuid:share>/summary/", views.add_summary, name="add_summary"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/replace/", views.replace, name="replace"),
    path("<uuid:pk>/delete/", views.hide, name="hide"),
    path("<uuid:pk>/restore/", views.restore, name="restore"),
    path("<uuid:pk>/review/", views.review, name="review"),
    path("<uuid:pk>/link/", views.link, name="link"),
    path("<uuid:pk>/link-campaign/", views.link_campaign, name="link_campaign"),
    path("file/<uuid:pk>/download/", views.download, name="download"),
    path("file/<uuid:pk>/preview/", views.preview, name="preview"),
    path("file/<uuid:pk>/thumbnail/", views.thumbnail, name="thumbnail"),
]
