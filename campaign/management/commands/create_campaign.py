from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from campaign.models import Campaign
from campaign.services import campaign_create
from indicators.models import Framework


class Command(BaseCommand):
    help = "Create a campaign on the newest version of an indicator framework."

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--framework", required=True, help="framework name (its newest version is used)")
        parser.add_argument(
            "--kind", choices=[k for k, _ in Campaign.Kind.choices], default=Campaign.Kind.COMPREHENSIVE
        )
        parser.add_argument("--county", default=None)
        parser.add_argument("--single-item-title", default="")

    def handle(self, slug, name, framework, kind, county=None, single_item_title="", **options):
        fw = Framework.objects.filter(name=framework).order_by("-created_at").first()
        if fw is None:
            raise CommandError(f"No framework named {framework!r}.")
        try:
            campaign = campaign_create(
                by=None,
                slug=slug,
                name=name,
                framework=fw,
                kind=kind,
                county=county or settings.COUNTY_NAME,
                single_item_title=single_item_title,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {', '.join(v)}" for k, v in exc.message_dict.items())) from exc
        self.stdout.write(self.style.SUCCESS(f"Created campaign {campaign.slug} on {fw}."))
