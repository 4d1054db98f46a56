import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from campaign.models import Campaign
from reports.models import ReportJob
from reports.services import report_run


class Command(BaseCommand):
    help = "Compile a campaign's report (pdf), evidence package (package) or workbook (xlsx) now, and print the output path."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True)
        parser.add_argument("--kind", choices=["pdf", "package", "xlsx"], required=True)
        parser.add_argument("-o", "--output", help="also copy the result here")

    def handle(self, campaign, kind, output=None, **options):
        target = Campaign.objects.filter(slug=campaign).first()
        if target is None or target.framework_id is None:
            raise CommandError(f"No campaign with slug {campaign!r} and a framework.")
        if ReportJob.objects.filter(campaign=target, kind=kind, status__in=ReportJob.ACTIVE).exists():
            raise CommandError("A job for this report is already queued or running; wait for it.")
        job = ReportJob.objects.create(campaign=target, kind=kind)
        status = report_run(job.pk)
        job.refresh_from_db()
        if status != ReportJob.Status.DONE:
            raise CommandError(f"Failed: {job.error}")
        path = job.file.path if hasattr(job.file, "path") else job.file.name
        if output:
            with job.file.open("rb") as src, open(output, "wb") as dst:
                shutil.copyfileobj(src, dst, 1024 * 1024)
            path = str(Path(output).resolve())
        self.stdout.write(path)
