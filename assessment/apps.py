from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("Self-assessment")

    def ready(self):
        from assignments.reminders import register_reminder_source
        from assignments.selectors import register_board_source
        from campaign.services import register_stage_guard

        from .selectors import pool_board_items
        from .services import inspection_guard, rectification_reminders

        # Lower floors ask this one through their hooks: campaign before 迎检, reminders each day,
        # the accountability board for the problem pool's overdue items.
        register_stage_guard(inspection_guard)
        register_reminder_source(rectification_reminders)
        register_board_source(pool_board_items)
