from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.apps import apps

        from . import signals  # noqa: F401

        # The admin's heading of django-axes' tables (its app has no verbose_name: "Axes").
        if apps.is_installed("axes"):
            apps.get_app_config("axes").verbose_name = _("Login protection")
