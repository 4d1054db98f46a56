from django.core.management.base import BaseCommand, CommandError

from assignments.services import assignment_export
from campaign.models import Campaign
from core.commands import write_output


class Command(BaseCommand):
    help = "Export a campaign's task division as the canonical flat table (csv or xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True)
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, campaign, format, output=None, **options):
        try:
            target = Campaign.objects.select_related("framework").get(slug=campaign)
        except Campaign.DoesNotExist:
            raise CommandError(f"No campaign with slug {campaign!r}.") from None
        if target.framework_id is None:
            raise CommandError("The campaign has no indicator framework.")
        write_output(assignment_export(campaign=target, fmt=format), output, self.stdout)
