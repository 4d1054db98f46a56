from django.core.management.base import CommandError

from assessment.resources import assessment_dataset, assessment_import_rows
from campaign.models import Campaign
from core.commands import ImportCommand, Plan, read_path
from core.tables import ImportRejected, TableError


class Command(ImportCommand):
    help = "Import the self-assessment table (columns code, result, self_score, narrative...). All or nothing."

    def add_import_arguments(self, parser):
        parser.add_argument("--campaign", required=True)

    def load(self, path, campaign, **options):
        self.target = Campaign.objects.filter(slug=campaign).first()
        if self.target is None or self.target.framework_id is None:
            raise CommandError(f"No campaign with slug {campaign!r} and a framework.")
        try:
            return assessment_dataset(read_path(path))
        except TableError as exc:
            raise CommandError(str(exc)) from exc

    def plan(self, dataset, **options):
        result, errors = assessment_import_rows(campaign=self.target, dataset=dataset, user=None, dry_run=True)
        totals = result.totals if not errors else {}
        summary = f"{len(dataset)} rows: {totals.get('new', 0)} new, {totals.get('update', 0)} updated, {totals.get('skip', 0)} unchanged"
        return Plan(errors=errors, summary=summary)

    def apply(self, dataset, plan, **options):
        _result, errors = assessment_import_rows(campaign=self.target, dataset=dataset, user=None, dry_run=False)
        if errors:
            raise ImportRejected(errors)
        return f"Imported {plan.summary}."
