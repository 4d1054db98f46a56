import datetime

from django.core.management.base import BaseCommand, CommandError

from assignments.reminders import reminders_send


class Command(BaseCommand):
    help = "Send the reminders, overdue notices and escalations due today (or on --today). Safe to rerun."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="the date to act as, YYYY-MM-DD (to replay a day)")

    def handle(self, today=None, **options):
        day = None
        if today:
            try:
                day = datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError(f"--today {today!r} is not a date (YYYY-MM-DD).") from None
        sent = reminders_send(today=day)
        for item in sent:
            self.stdout.write(item.line())
        self.stdout.write(f"{len(sent)} message(s) sent.")
