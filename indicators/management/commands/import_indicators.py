from core.commands import ImportCommand, Plan, read_table_or_fail
from indicators.services import framework_import, framework_plan


class Command(ImportCommand):
    help = "Import an indicator system (xlsx/xls/csv task table) as framework NAME. All or nothing."
    dry_run_text = "Dry run: would import {summary}."

    def add_import_arguments(self, parser):
        parser.add_argument("--framework", required=True, help="framework name")
        parser.add_argument("--sheet", help="sheet name (default: the first sheet with a header row)")

    def load(self, path, sheet=None, **options):
        return read_table_or_fail(path, sheet=sheet)

    def plan(self, table, framework, **options):
        plan = framework_plan(table=table, name=framework)
        summary = (
            (
                f"{plan.counts['level1']} level-1, {plan.counts['level2']} level-2, {plan.counts['level3']} level-3 indicators "
                f"(version {plan.new_version}; {len(plan.added)} new, {len(plan.changed)} changed, {len(plan.removed)} removed)"
            )
            if plan.ok
            else ""
        )
        return Plan(errors=plan.errors, summary=summary)

    def apply(self, table, plan, framework, path, **options):
        fw = framework_import(table=table, name=framework, source=str(path))
        return f"Imported {fw}: {plan.summary}."
