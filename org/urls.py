from django.urls import path

from . import views

app_name = "org"

urlpatterns = [
    path("people/", views.people_list, name="people"),
    path("people/new/", views.person_new, name="person_new"),
    path("people/<uuid:pk>/", views.person_detail, name="person"),
    path("people/<uuid:pk>/roles/", views.person_grant_view, name="person_grant"),
    path("people/<uuid:pk>/roles/<uuid:membership>/end/", views.person_revoke_view, name="person_revoke"),
    path("people/<uuid:pk>/active/", views.person_active_view, name="person_active"),
    path("people/<uuid:pk>/password/", views.person_password_view, name="person_password"),
    path("people/<uuid:pk>/two-factor/reset/", views.person_otp_reset_view, name="person_otp_reset"),
    path("audit/", views.audit_list, name="audit"),
]
