from django.core.management.base import BaseCommand, CommandError

from core.commands import fail_with_errors, read_path
from core.tables import ImportRejected, TableError
from org.services import units_import


class Command(BaseCommand):
    help = "Create or update units from a table with the columns of units.csv (code,name,short_name,type,...)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, path, **options):
        try:
            created, updated = units_import(data=read_path(path))
        except TableError as exc:
            raise CommandError(str(exc)) from exc
        except ImportRejected as exc:
            fail_with_errors(exc.errors, self.stderr)
        self.stdout.write(self.style.SUCCESS(f"Units: {created} created, {updated} updated."))
