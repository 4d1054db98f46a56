from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = _("Units and people")

    def ready(self):
        from django.db.models.signals import post_migrate

        from core.audit import register_value_labels, register_value_lookup

        from .models import Membership, Unit

        # The audit page shows a role code ("liaison") as its label; core knows no roles.
        register_value_labels("role", Membership.Role.choices)
        # Which roles must use a second factor is a setting of role codes; core reads them here.
        from core.security import register_role_source

        register_role_source(lambda user: Membership.objects.filter(user=user).values_list("role", flat=True))
        # ... and unit codes ("T02") as the units' names, one query per page.
        register_value_lookup(
            ("unit", "lead", "cooperating", "units", "owner"),
            lambda codes: dict(Unit.objects.filter(code__in=codes).values_list("code", "name")),
        )
        post_migrate.connect(_sync_role_groups, dispatch_uid="sync_role_groups")


def _sync_role_groups(app_config=None, **kwargs):
    # Once per migrate run, after the last app with models has its permissions.
    from django.apps import apps

    last = [a for a in apps.get_app_configs() if a.models_module is not None][-1]
    if app_config is not None and app_config.label != last.label:
        return
    from .permissions import sync_role_groups

    sync_role_groups()
