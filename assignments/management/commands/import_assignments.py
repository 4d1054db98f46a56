from django.core.management.base import BaseCommand, CommandError

from assignments.services import assignment_import, assignment_plan
from campaign.models import Campaign
from core.commands import fail_with_errors, read_table_or_fail
from core.tables import ImportRejected


class Command(BaseCommand):
    help = "Import the task division (lead/cooperating units, deadlines) of a campaign from a task table."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--campaign", required=True, help="campaign short code (slug)")
        parser.add_argument("--sheet")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, path, campaign, sheet=None, dry_run=False, **options):
        try:
            target = Campaign.objects.select_related("framework").get(slug=campaign)
        except Campaign.DoesNotExist:
            raise CommandError(f"No campaign with slug {campaign!r}.") from None
        table = read_table_or_fail(path, sheet=sheet, required=("level3", "lead"))
        plan = assignment_plan(campaign=target, table=table)
        if not plan.ok:
            fail_with_errors(plan.errors, self.stderr)
        summary = (
            f"{len(plan.items)} indicators, {plan.shares} shares: {plan.count('new')} new, "
            f"{plan.count('changed')} changed, {plan.count('unchanged')} unchanged"
        )
        if dry_run:
            self.stdout.write(f"Dry run: {summary}.")
            return
        try:
            assignment_import(campaign=target, table=table)
        except ImportRejected as exc:
            fail_with_errors(exc.errors, self.stderr)
        self.stdout.write(self.style.SUCCESS(f"Imported into {target.slug}: {summary}."))
        if plan.unmatched_indicators:
            codes = ", ".join(i.code for i in plan.unmatched_indicators)
            self.stdout.write(f"Not in the table (left as they were): {codes}")
