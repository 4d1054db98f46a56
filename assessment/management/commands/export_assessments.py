from django.core.management.base import BaseCommand, CommandError

from assessment.resources import assessment_export
from campaign.models import Campaign
from core.commands import write_output


class Command(BaseCommand):
    help = "Export the self-assessment table (code, level3, result, self_score, narrative, ...) as csv or xlsx."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True)
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("-o", "--output")

    def handle(self, campaign, format, output=None, **options):
        target = Campaign.objects.filter(slug=campaign).first()
        if target is None or target.framework_id is None:
            raise CommandError(f"No campaign with slug {campaign!r} and a framework.")
        write_output(assessment_export(campaign=target, fmt=format), output, self.stdout)
