import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel


class ReportText(BaseModel):
    """The free-text sections of the self-assessment report, edited by the office."""

    campaign = models.OneToOneField("campaign.Campaign", on_delete=models.CASCADE, related_name="report_text")
    basic_facts = models.TextField(_("basic facts and organisation"), max_length=10000, blank=True)
    highlights = models.TextField(_("distinctive highlights"), max_length=10000, blank=True)
    next_steps = models.TextField(_("next steps"), max_length=10000, blank=True)

    class Meta:
        verbose_name = _("report text")
        verbose_name_plural = _("report texts")

    def __str__(self):
        return str(self.campaign_id)


class ReportJob(BaseModel):
    """A background compilation the user waits for: its status row is the truth,
    whatever happens to the Celery message that runs it."""

    class Kind(models.TextChoices):
        PDF = "pdf", _("Self-assessment report (PDF)")
        DOCX = "docx", _("Self-assessment report (DOCX, editable)")
        PACKAGE = "package", _("Evidence package (ZIP)")
        XLSX = "xlsx", _("Workbook (XLSX)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    @property
    def is_stale(self):
        """Running without a heartbeat (or queued without being taken) for REPORT_STALE_SECONDS:
        its worker died or its message was lost. The reports page offers to start it again."""
        limit = timezone.now() - datetime.timedelta(seconds=settings.REPORT_STALE_SECONDS)
        if self.status == self.Status.RUNNING:
            return (self.heartbeat_at or self.started_at or self.created_at) < limit
        return self.status == self.Status.QUEUED and self.created_at < limit

    # The campaign the report is about; empty for a kind registered by a higher floor that builds
    # from another row (review's 推荐函: `subject_id` names the letter).
    campaign = models.ForeignKey(
        "campaign.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="report_jobs",
        null=True,
        blank=True,
    )
    subject_id = models.UUIDField(_("subject"), null=True, blank=True)
    # Kind: one of Kind, or a kind registered through services.register_report_kind.
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", max_length=200, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.BigIntegerField(_("size"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    # A package split for an upload portal: [{"name", "path" (in storage), "size", "sha256"}, …].
    volumes = models.JSONField(_("volumes"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # Written by the worker while it builds (services._heartbeat): a job whose beat stops is stale.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["-created_at"]
        constraints = [
            # Two requests for the same report while one is under way make one job.
            models.UniqueConstraint(
                fields=["campaign", "kind"], condition=Q(status__in=["queued", "running"]), name="one_active_report_job"
            ),
            models.UniqueConstraint(
                fields=["subject_id", "kind"],
                condition=Q(status__in=["queued", "running"]),
                name="one_active_subject_report_job",
            ),
            models.CheckConstraint(
                condition=Q(campaign__isnull=False) | Q(subject_id__isnull=False), name="report_job_has_subject"
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_progress_percent"),
        ]

    def __str__(self):
        return f"{self.campaign_id}:{self.kind}:{self.status}"


class Submission(BaseModel):
    """What the county sent to the city office: copies of a finished report and
    package with their checksums and the package manifest. Never changed afterwards."""

    # The city office's reviewers see what is addressed to it (org.permissions.restrict).
    permission_city_path = "city_office"
    permission_region_path = "campaign__region"

    campaign = models.ForeignKey(
        "campaign.Campaign", verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="submissions"
    )
    city_office = models.ForeignKey(
        "org.Unit", verbose_name=_("city office"), on_delete=models.PROTECT, related_name="submissions"
    )
    county = models.CharField(_("county"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    # 1 for the first submission of a campaign, 2 for the resubmission after a return, …
    version = models.PositiveIntegerField(_("version"), default=1)
    # Frozen at submission so that two versions compare without reading live data:
    # {"indicators": {code: {"id", "title", "full", "result", "score", "veto", "evidence": [ids]}}}.
    snapshot = models.JSONField(_("state at submission"), default=dict, blank=True)
    report = models.FileField(_("report"), upload_to="submissions/%Y/%m/", max_length=200)
    report_sha256 = models.CharField(max_length=64)
    # The editable DOCX of the same report, frozen beside the PDF when one was compiled.
    document = models.FileField(_("editable report"), upload_to="submissions/%Y/%m/", max_length=200, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    package = models.FileField(_("package"), upload_to="submissions/%Y/%m/", max_length=200)
    package_sha256 = models.CharField(max_length=64)
    package_size = models.BigIntegerField(default=0)
    manifest = models.JSONField(_("manifest"), default=list)
    eligibility = models.JSONField(_("eligibility at submission"), default=dict)
    # The warnings the office admin confirmed on the confirmation page (key, count, the words shown).
    confirmed = models.JSONField(_("warnings confirmed"), default=list, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The free-text review of the first round, kept readable; decisions are review.Decision rows now.
    city_review = models.TextField(_("city's initial review"), max_length=5000, blank=True)
    city_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    city_reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-created_at"]
        constraints = [
            # Versions are numbered per campaign; two resubmissions at once cannot take one number.
            models.UniqueConstraint(fields=["campaign", "version"], name="submission_version_per_campaign"),
            models.CheckConstraint(condition=Q(version__gte=1), name="submission_version_positive"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:submission", args=[self.pk])
