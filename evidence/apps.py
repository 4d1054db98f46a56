from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = _("Evidence")

    def ready(self):
        from assignments.services import register_accept_guard

        from .selectors import pending_evidence_of

        # A share is not accepted while evidence of it waits for review (assignments asks through its hook).
        register_accept_guard(pending_evidence_of)
