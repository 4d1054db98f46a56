from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assignments.reminders import reminders_send
from portal.demo import DEMO_PASSWORD, DEMO_USERS, REGION_USERS, demo_load


class Command(BaseCommand):
    help = "Load the demo province, city and three counties, the indicator tree and demo logins (idempotent)."

    def handle(self, *args, **options):
        if not settings.DEMO_ALLOWED:
            raise CommandError("load_demo refuses to run with production settings (DEMO_ALLOWED is off).")

        campaign = demo_load(county=settings.COUNTY_NAME)
        self.stdout.write(self.style.SUCCESS(f"Demo campaign ready: {campaign.name} ({campaign.slug})"))
        # Today's reminders, as the daily job would send them, so the demo has messages. (Today's
        # snapshot is taken by demo_load, after the last change.)
        self.stdout.write(f"Reminders sent today: {len(reminders_send())}")
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for username in ["demo-admin", *[u[0] for u in DEMO_USERS + REGION_USERS]]:
            self.stdout.write(f"  {username}")
