import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.audit import audit_purge


class Command(BaseCommand):
    help = "Delete audit events older than --days (at least AUDIT_RETENTION_DAYS, never under six months)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="keep this many days (default: the setting)")

    def handle(self, days=None, **options):
        days = settings.AUDIT_RETENTION_DAYS if days is None else days
        if days < settings.AUDIT_RETENTION_DAYS:
            raise CommandError(
                f"Refused: events younger than AUDIT_RETENTION_DAYS={settings.AUDIT_RETENTION_DAYS} days are kept."
            )
        try:
            count = audit_purge(before=timezone.now() - datetime.timedelta(days=days))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Purged {count} audit events older than {days} days."))
