from django.core.management.base import BaseCommand, CommandError

from assessment.eligibility import eligibility
from campaign.models import Campaign


class Command(BaseCommand):
    help = "Print a campaign's eligibility: the same figures as the dashboard."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True)

    def handle(self, campaign, **options):
        target = Campaign.objects.filter(slug=campaign).first()
        if target is None or target.framework_id is None:
            raise CommandError(f"No campaign with slug {campaign!r} and a framework.")
        e = eligibility(target)
        lines = [
            f"met: {e.met}",
            f"applicable: {e.applicable}",
            f"ratio: {'-' if e.percent is None else f'{e.percent}%'}",
            f"threshold: {e.threshold_percent.normalize():f}%",
            f"eligible: {'yes' if e.eligible else 'no'}{'' if e.required else ' (single-item: for information)'}",
            f"needed: {e.needed}",
            f"veto: {', '.join(e.veto_blockers) or '-'}",
            f"blocking: {', '.join(e.short) or '-'}",
        ]
        if e.max_score:
            lines.append(f"score: {e.score.normalize():f} / {e.max_score.normalize():f}")
        self.stdout.write("\n".join(lines))
