from django.core.management.base import CommandError

from assignments.services import assignment_import, assignment_plan
from campaign.models import Campaign
from core.commands import ImportCommand, Plan, read_table_or_fail


class Command(ImportCommand):
    help = "Import the task division (lead/cooperating units, deadlines) of a campaign from a task table."

    def add_import_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="campaign short code (slug)")
        parser.add_argument("--sheet")
        parser.add_argument(
            "--accept-warnings",
            action="store_true",
            help="import although the table has warnings (deadlines already past); --dry-run lists them",
        )

    def load(self, path, campaign, sheet=None, **options):
        self.target = Campaign.objects.select_related("framework").filter(slug=campaign).first()
        if self.target is None:
            raise CommandError(f"No campaign with slug {campaign!r}.")
        return read_table_or_fail(path, sheet=sheet, required=("level3", "lead"))

    def plan(self, table, **options):
        plan = assignment_plan(campaign=self.target, table=table)
        summary = (
            (
                f"{len(plan.items)} indicators, {plan.shares} shares: {plan.count('new')} new, "
                f"{plan.count('changed')} changed, {plan.count('unchanged')} unchanged"
            )
            if plan.ok
            else ""
        )
        if plan.ok and plan.warnings:
            summary += ". Warning: " + " ".join(str(w) for w in plan.warnings)
        notes = []
        if plan.ok and plan.unmatched_indicators:
            notes.append(
                f"Not in the table (left as they were): {', '.join(i.code for i in plan.unmatched_indicators)}"
            )
        return Plan(errors=plan.errors, summary=summary, notes=notes)

    def apply(self, table, plan, **options):
        assignment_import(campaign=self.target, table=table, accept_warnings=options.get("accept_warnings", False))
        return f"Imported into {self.target.slug}: {plan.summary}."
