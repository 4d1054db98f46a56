from django.core.management.base import BaseCommand, CommandError

from core.audit import verify_chain


class Command(BaseCommand):
    help = "Walk the audit trail's hash chain, oldest first, and name the first broken link."

    def handle(self, **options):
        checked, broken = verify_chain()
        if broken:
            event_id, reason = broken
            what = (
                "does not follow the event before it" if reason == "prev_hash" else "was altered after it was written"
            )
            raise CommandError(
                f"Audit chain broken at event {event_id}: it {what} ({checked} events before it verify)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} events."))
