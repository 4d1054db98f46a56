from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_read, name="notifications_read"),
    path("accounts/sso/oidc/", views.sso_oidc, name="sso_oidc"),
    path("accounts/sso/oidc/callback/", views.sso_oidc_callback, name="sso_oidc_callback"),
    path("accounts/sso/oidc/logout/", views.sso_oidc_logout, name="sso_oidc_logout"),
    path("accounts/sso/cas/", views.sso_cas, name="sso_cas"),
    path("accounts/sso/cas/logout/", views.sso_cas_logout, name="sso_cas_logout"),
    path("accounts/security/", views.account_security, name="account_security"),
    path("accounts/two-factor/verify/", views.otp_verify, name="otp_verify"),
    path("accounts/two-factor/setup/", views.otp_setup, name="otp_setup"),
    path("accounts/two-factor/recovery/", views.otp_recovery, name="otp_recovery"),
    path("accounts/two-factor/disable/", views.otp_disable, name="otp_disable"),
    path("accounts/sessions/end/", views.session_end_view, name="session_end"),
]
