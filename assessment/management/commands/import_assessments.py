from django.core.management.base import BaseCommand, CommandError

from assessment.resources import assessment_dataset, assessment_import_rows
from campaign.models import Campaign
from core.commands import fail_with_errors, read_path
from core.tables import TableError


class Command(BaseCommand):
    help = "Import the self-assessment table (columns code, result, self_score, narrative...). All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--campaign", required=True)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, path, campaign, dry_run=False, **options):
        target = Campaign.objects.filter(slug=campaign).first()
        if target is None or target.framework_id is None:
            raise CommandError(f"No campaign with slug {campaign!r} and a framework.")
        try:
            dataset = assessment_dataset(read_path(path))
        except TableError as exc:
            raise CommandError(str(exc)) from exc
        result, errors = assessment_import_rows(campaign=target, dataset=dataset, user=None, dry_run=True)
        if errors:
            fail_with_errors(errors, self.stderr)
        totals = result.totals
        summary = f"{len(dataset)} rows: {totals.get('new', 0)} new, {totals.get('update', 0)} updated, {totals.get('skip', 0)} unchanged"
        if dry_run:
            self.stdout.write(f"Dry run: {summary}.")
            return
        result, errors = assessment_import_rows(campaign=target, dataset=dataset, user=None, dry_run=False)
        if errors:
            fail_with_errors(errors, self.stderr)
        self.stdout.write(self.style.SUCCESS(f"Imported {summary}."))
