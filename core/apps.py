from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import signals  # noqa: F401

        post_migrate.connect(_sync_role_groups, dispatch_uid="sync_role_groups")


def _sync_role_groups(app_config=None, **kwargs):
    # Once per migrate run (the last app to migrate is ours or later), after permissions exist.
    if app_config is not None and app_config.label != "campaign":
        return
    from .permissions import sync_role_groups

    sync_role_groups()
