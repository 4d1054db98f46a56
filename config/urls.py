from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from core.views import LoginView, PasswordChangeView, healthz

handler500 = "core.views.server_error"

admin.site.site_header = _("Rule-of-law demonstration campaign — system administration")
admin.site.site_title = _("System administration")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(
        "accounts/login/",
        LoginView.as_view(),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        PasswordChangeView.as_view(),
        name="password_change",
    ),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("campaigns/", include("campaign.urls")),
    path("campaigns/", include("assessment.urls")),
    path("indicators/", include("indicators.urls")),
    path("", include("assignments.urls")),
    path("evidence/", include("evidence.urls")),
    path("inspection/", include("inspection.urls")),
    path("reports/", include("reports.urls")),
    path("review/", include("review.urls")),
    path("", include("org.urls")),
    path("", include("core.urls")),
    path("", include("portal.urls")),
]
