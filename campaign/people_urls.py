from django.urls import path

from . import people_views as views

app_name = "people"

urlpatterns = [
    path("", views.people_list, name="list"),
    path("new/", views.person_new, name="new"),
    path("<uuid:pk>/", views.person_detail, name="detail"),
    path("<uuid:pk>/roles/", views.person_grant_view, name="grant"),
    path("<uuid:pk>/roles/<uuid:membership>/end/", views.person_revoke_view, name="revoke"),
    path("<uuid:pk>/active/", views.person_active_view, name="active"),
    path("<uuid:pk>/password/", views.person_password_view, name="password"),
]
