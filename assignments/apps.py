from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssignmentsConfig(AppConfig):
    name = "assignments"
    verbose_name = _("Task assignments")

    def ready(self):
        from campaign.services import register_framework_lock

        from .services import framework_lock

        # A campaign whose tasks point at its framework's indicators keeps that framework.
        register_framework_lock(framework_lock)
