from django.core.management.base import BaseCommand
from django.db import transaction

from core.commands import fail_with_errors, read_table_or_fail
from core.tables import ImportRejected
from indicators.services import framework_import, framework_plan


class Command(BaseCommand):
    help = "Import an indicator system (xlsx/xls/csv task table) as framework NAME. All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--framework", required=True, help="framework name")
        parser.add_argument("--sheet", help="sheet name (default: the first sheet with a header row)")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")

    def handle(self, path, framework, sheet=None, dry_run=False, **options):
        table = read_table_or_fail(path, sheet=sheet)
        plan = framework_plan(table=table, name=framework)
        if not plan.ok:
            fail_with_errors(plan.errors, self.stderr)
        summary = (
            f"{plan.counts['level1']} level-1, {plan.counts['level2']} level-2, {plan.counts['level3']} level-3 indicators "
            f"(version {plan.new_version}; {len(plan.added)} new, {len(plan.changed)} changed, {len(plan.removed)} removed)"
        )
        if dry_run:
            self.stdout.write(f"Dry run: would import {summary}.")
            return
        try:
            with transaction.atomic():
                fw = framework_import(table=table, name=framework, source=str(path))
        except ImportRejected as exc:
            fail_with_errors(exc.errors, self.stderr)
        self.stdout.write(self.style.SUCCESS(f"Imported {fw}: {summary}."))
