import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel

from .sniff import type_label


def revision_upload_to(instance, filename):
    """A generated name: the user's file name is kept in the database only."""
    ext = filename.rsplit(".", 1)[-1].lower()[:10] if "." in filename else "bin"
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


def thumbnail_upload_to(instance, filename):
    return f"thumbnails/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.jpg"


class EvidenceQuerySet(models.QuerySet):
    def visible(self):
        """Not deleted (hidden) by its unit."""
        return self.filter(hidden_at__isnull=True)

    def accepted(self):
        """What counts as proof: visible and accepted by the office (the report, the package,
        the suggestions all read this)."""
        return self.filter(Evidence.accepted_q())


class Evidence(BaseModel):
    """One piece of proof for a unit's share of a level-3 indicator.

    Its content lives in revisions; a liaison's "delete" only hides it (the
    office sees it and can restore it), so no stored file is ever destroyed.
    """

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Document")
        IMAGE = "image", _("Photo")
        NEWS_LINK = "news_link", _("News link")
        AWARD = "award", _("Award material")
        SUMMARY = "summary", _("Situation summary")
        DATA = "data", _("Data table")

    class Review(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")

    FILE_KINDS = (Kind.DOCUMENT, Kind.IMAGE, Kind.AWARD, Kind.DATA)
    permission_unit_path = "assignment__unit"

    objects = EvidenceQuerySet.as_manager()

    assignment = models.ForeignKey(
        "assignments.Assignment", verbose_name=_("task"), on_delete=models.PROTECT, related_name="evidence"
    )
    # The assignment's campaign, copied when the evidence is created (a share never
    # changes campaign): the dashboard counts a campaign's evidence from one index.
    campaign = models.ForeignKey(
        "campaign.Campaign", on_delete=models.CASCADE, related_name="+", null=True, editable=False
    )
    # Evidence once (最多报一次): a piece the county already holds, linked into another of its
    # campaigns without a new upload. Always the origin (never a link of a link); the link's
    # revision points to the origin's stored file. A link is reviewed in its own campaign.
    origin = models.ForeignKey(
        "self",
        verbose_name=_("first uploaded as"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="links",
        editable=False,
    )
    also_proves = models.ManyToManyField(
        "indicators.Indicator", verbose_name=_("also proves"), blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    issued_on = models.DateField(_("date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    review_status = models.CharField(_("review"), max_length=20, choices=Review.choices, default=Review.PENDING)
    current_revision = models.ForeignKey(
        "EvidenceRevision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["assignment", "-created_at"]
        indexes = [
            # The review queue: visible evidence waiting for review, oldest first.
            models.Index(fields=["review_status", "created_at"], name="evidence_review_queue_idx"),
            # The dashboard's counts per review state of one campaign, and the review queue's count
            # for a scope of units (the share included: 38 ms to 17 ms for 25,000 pending pieces).
            models.Index(
                fields=["campaign", "review_status", "hidden_at"],
                include=["assignment"],
                name="evidence_campaign_counts_idx",
            ),
            # A unit's (or a share's) latest visible pieces, read from the index alone: a fix report
            # offers a unit's 30 latest of its hundreds; by the share index, PostgreSQL read the
            # whole table to sort them (40 ms at 100,000 pieces; 2 ms with this one). The included
            # column is PostgreSQL's (a covering index); SQLite gets the plain partial index.
            models.Index(
                fields=["assignment", "-created_at"],
                include=["id"],
                condition=Q(hidden_at__isnull=True),
                name="evidence_share_latest_idx",
            ),
        ]
        constraints = [
            # Linking the same evidence into a campaign twice is refused by the service; this holds
            # it when two requests race.
            models.UniqueConstraint(
                fields=["origin", "campaign"],
                condition=Q(origin__isnull=False),
                name="evidence_linked_once_per_campaign",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("evidence:detail", args=[self.pk])

    @staticmethod
    def accepted_q(prefix=""):
        """Accepted, visible evidence as a condition, for querysets and for aggregates over a
        relation (prefix "evidence__")."""
        return Q(**{f"{prefix}review_status": Evidence.Review.ACCEPTED, f"{prefix}hidden_at__isnull": True})

    @property
    def is_hidden(self):
        return self.hidden_at is not None


class EvidenceRevision(models.Model):
    """One version of a piece of evidence: a stored file, a link, or a text.
    Revisions are never changed or deleted; a replacement is a new revision."""

    permission_unit_path = "evidence__assignment__unit"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    file = models.FileField(_("file"), upload_to=revision_upload_to, max_length=200, blank=True)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    text = models.TextField(_("text"), max_length=20000, blank=True)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=120, blank=True)
    size = models.BigIntegerField(_("size"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    thumbnail = models.FileField(upload_to=thumbnail_upload_to, max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence revision")
        verbose_name_plural = _("evidence revisions")
        ordering = ["evidence", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["evidence", "number"], name="revision_unique_number"),
            models.CheckConstraint(condition=~Q(file="") | ~Q(url="") | ~Q(text=""), name="revision_has_content"),
        ]
        indexes = [
            # Duplicate detection: the same bytes already uploaded in this campaign.
            models.Index(fields=["sha256"], name="revision_sha256_idx"),
        ]

    def __str__(self):
        return f"{self.evidence_id} r{self.number}"

    @property
    def is_image(self):
        return self.content_type in ("image/jpeg", "image/png")

    @property
    def inline_ok(self):
        return self.is_image or self.content_type == "application/pdf"

    @property
    def type_label(self):
        """The file's type as the pages show it ("WPS 表格", "PDF", "ODT"); empty for a link or a text."""
        return type_label(self.content_type, self.original_name)


class Review(models.Model):
    """The office's decision on a piece of evidence, kept as history."""

    permission_region_path = "evidence__campaign__region"

    id = models.BigAutoField(primary_key=True)
    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="reviews")
    revision = models.ForeignKey(EvidenceRevision, on_delete=models.PROTECT, null=True, related_name="+")
    status = models.CharField(
        _("decision"), max_length=20, choices=[("accepted", _("Accepted")), ("returned", _("Returned"))]
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["evidence", "-at"]

    def __str__(self):
        return self.status
