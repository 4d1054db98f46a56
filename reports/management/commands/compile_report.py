import shutil
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from campaign.models import Campaign
from reports.models import ReportJob
from reports.services import report_request, report_run


class Command(BaseCommand):
    help = "Compile a campaign's report (pdf, or docx to edit), evidence package (package) or workbook (xlsx) now, and print the output path."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True)
        parser.add_argument("--kind", choices=ReportJob.Kind.values, required=True)
        parser.add_argument("-o", "--output", help="also copy the result here")
        parser.add_argument("--user", help="the account the audit trail names (default: the command line)")

    def handle(self, campaign, kind, output=None, user=None, **options):
        target = Campaign.objects.filter(slug=campaign).first()
        if target is None or target.framework_id is None:
            raise CommandError(f"No campaign with slug {campaign!r} and a framework.")
        by = None
        if user:
            by = get_user_model().objects.filter(username=user, is_active=True).first()
            if by is None:
                raise CommandError(f"No active account {user!r}.")
        try:
            # The same request as the reports page (one active job, audited), run here and now.
            job = report_request(campaign=target, kind=kind, by=by, join=False, enqueue=False)
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]) or ["Not allowed."])) from exc
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
