from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_migrate

        from . import signals  # noqa: F401
        from .periodic import register_after_migrate

        # The admin's heading of django-axes' tables (its app has no verbose_name: "Axes").
        if apps.is_installed("axes"):
            apps.get_app_config("axes").verbose_name = _("Login protection")

        post_migrate.connect(register_after_migrate, dispatch_uid="core.periodic")
