from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assessment.services import snapshot_take
from assignments.reminders import reminders_send
from portal.demo import DEMO_PASSWORD, DEMO_USERS, demo_load


class Command(BaseCommand):
    help = "Load the demo county, indicator tree, campaign and demo logins (idempotent)."

    def handle(self, *args, **options):
        if not settings.DEMO_ALLOWED:
            raise CommandError("load_demo refuses to run with production settings (DEMO_ALLOWED is off).")

        campaign = demo_load(county=settings.COUNTY_NAME)
        self.stdout.write(self.style.SUCCESS(f"Demo campaign ready: {campaign.name} ({campaign.slug})"))
        # Today's reminders, as the daily job would send them, so the demo has messages.
        self.stdout.write(f"Reminders sent today: {len(reminders_send())}")

        snapshot_take(campaign=campaign)
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for username in ["demo-admin", *[u[0] for u in DEMO_USERS]]:
            self.stdout.write(f"  {username}")
