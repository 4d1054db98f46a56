"""迎检: what the county prepares for the third-party assessment, the satisfaction survey
and the field check — publicity actions and their targets, the office's own pre-survey,
and the field-check checklist."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel


def publicity_photo_upload_to(instance, filename):
    return f"inspection/publicity/{instance.campaign_id}/{instance.pk}/{filename[-80:]}"


class PublicityAction(BaseModel):
    """One publicity action a unit logged (宣传): where, when, what, how many it reached,
    which indicators it supports. A news link can become the unit's evidence once
    (`evidence` is set then), through the evidence app's service."""

    class Platform(models.TextChoices):
        GOV_WEBSITE = "gov_website", _("Government website")
        WECHAT = "wechat", _("WeChat official account")
        PRESS = "press", _("Newspapers and periodicals")
        BROADCAST = "broadcast", _("Radio and television")
        OUTDOOR = "outdoor", _("Outdoor")
        COMMUNITY = "community", _("In communities and villages")
        NEW_MEDIA = "new_media", _("New media")

    permission_unit_path = "unit"

    campaign = models.ForeignKey(
        "campaign.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="publicity_actions"
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="publicity_actions"
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    happened_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    photo = models.FileField(_("photo"), upload_to=publicity_photo_upload_to, max_length=300, blank=True)
    reads = models.PositiveIntegerField(_("number of reads"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("number of participants"), null=True, blank=True)
    indicators = models.ManyToManyField(
        "indicators.Indicator", verbose_name=_("indicators"), blank=True, related_name="publicity_actions"
    )
    evidence = models.OneToOneField(
        "evidence.Evidence",
        verbose_name=_("evidence"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="publicity_action",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("publicity action")
        verbose_name_plural = _("publicity actions")
        ordering = ["-happened_on", "-created_at"]
        constraints = [
            # An action is shown by a link or a photo; one without either proves nothing.
            models.CheckConstraint(condition=~Q(url="") | ~Q(photo=""), name="publicity_link_or_photo"),
        ]
        indexes = [
            # The progress page counts each unit's actions per month and platform.
            models.Index(fields=["campaign", "unit", "happened_on"], name="publicity_unit_date_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("inspection:publicity_edit", args=[self.pk])


class PublicityTarget(BaseModel):
    """How many publicity actions the office expects of a unit in one month on one platform."""

    permission_unit_path = "unit"

    campaign = models.ForeignKey(
        "campaign.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="publicity_targets"
    )
    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"))  # the first day of the month
    platform = models.CharField(_("platform"), max_length=20, choices=PublicityAction.Platform.choices)
    count = models.PositiveSmallIntegerField(_("target"))

    class Meta:
        verbose_name = _("publicity target")
        verbose_name_plural = _("publicity targets")
        ordering = ["month", "unit__code", "platform"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit", "month", "platform"], name="publicity_target_unique"),
            models.CheckConstraint(condition=Q(month__day=1), name="publicity_target_first_of_month"),
            models.CheckConstraint(condition=Q(count__gte=1), name="publicity_target_positive"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.platform} {self.count}"


class SurveyRound(BaseModel):
    """One import of the office's own satisfaction pre-survey (满意度模拟测评): a file exported
    from a survey tool, one row per response. Written whole or not at all."""

    campaign = models.ForeignKey(
        "campaign.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="survey_rounds"
    )
    title = models.CharField(_("title"), max_length=200)
    source_name = models.CharField(_("file"), max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    response_count = models.PositiveIntegerField(_("responses"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("pre-survey")
        verbose_name_plural = _("pre-surveys")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("inspection:survey_detail", args=[self.pk])


class SurveyQuestion(BaseModel):
    """A column of the survey file: a satisfaction question (scored 1–5, satisfied at 4 and
    above) or an awareness question (知晓, answered 1 yes / 0 no)."""

    permission_region_path = "round__campaign__region"

    class Kind(models.TextChoices):
        SATISFACTION = "satisfaction", _("Satisfaction")
        AWARENESS = "awareness", _("Awareness")

    round = models.ForeignKey(
        SurveyRound, verbose_name=_("pre-survey"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("question"), max_length=500)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["round", "position"], name="survey_question_unique_position"),
        ]

    def __str__(self):
        return self.text


class SurveyResponse(models.Model):
    """One respondent's answers, from one row of the file, in the township they live in."""

    permission_region_path = "round__campaign__region"

    id = models.BigAutoField(primary_key=True)
    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="responses")
    township = models.ForeignKey("org.Unit", verbose_name=_("township"), on_delete=models.PROTECT, related_name="+")
    row = models.PositiveIntegerField(_("row"))

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [models.UniqueConstraint(fields=["round", "row"], name="survey_response_unique_row")]

    def __str__(self):
        return f"{self.round_id}:{self.row}"


class SurveyAnswer(models.Model):
    """One score. The range is held by the database: 0–5 (0/1 for awareness, 1–5 for
    satisfaction, checked per kind by the import)."""

    permission_region_path = "response__round__campaign__region"

    id = models.BigAutoField(primary_key=True)
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_unique"),
            models.CheckConstraint(condition=Q(score__lte=5), name="survey_answer_score_range"),
        ]
        indexes = [
            # The results page aggregates one question's answers (per township through the response).
            models.Index(fields=["question", "score"], name="survey_answer_question_idx"),
        ]

    def __str__(self):
        return str(self.score)


def fieldcheck_photo_upload_to(instance, filename):
    return f"inspection/fieldcheck/{instance.item_id}/{instance.pk}/{filename[-80:]}"


class FieldCheckItem(BaseModel):
    """One thing the field-check inspectors (实地核查) may visit or pull for an indicator: a
    service window, case files, a ledger, a public notice — where it is, which unit answers
    for it, and whether it is ready."""

    class Kind(models.TextChoices):
        SERVICE_WINDOW = "service_window", _("Service window")
        CASE_FILES = "case_files", _("Case files")
        LEDGER = "ledger", _("Ledger")
        PUBLIC_NOTICE = "public_notice", _("Public notice")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        NOT_READY = "not_ready", _("Not ready")
        READY = "ready", _("Ready")

    permission_unit_path = "unit"

    campaign = models.ForeignKey(
        "campaign.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="fieldcheck_items"
    )
    indicator = models.ForeignKey(
        "indicators.Indicator", verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey("org.Unit", verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("what"), max_length=200)
    place = models.CharField(_("place"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NOT_READY)
    note = models.CharField(_("note"), max_length=500, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("field-check item")
        verbose_name_plural = _("field-check items")
        ordering = ["place", "indicator__code", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "indicator", "unit", "place", "title"], name="fieldcheck_item_unique"
            ),
            models.CheckConstraint(condition=~Q(place="") & ~Q(title=""), name="fieldcheck_item_place_and_title"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("inspection:fieldcheck_item", args=[self.pk])


class FieldCheckPhoto(BaseModel):
    """A photo showing a field-check item as it stands (the window, the shelf of files)."""

    permission_unit_path = "item__unit"

    item = models.ForeignKey(
        FieldCheckItem, verbose_name=_("field-check item"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField(_("photo"), upload_to=fieldcheck_photo_upload_to, max_length=300)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("field-check photo")
        verbose_name_plural = _("field-check photos")
        ordering = ["created_at"]

    def __str__(self):
        return self.image.name.rsplit("/", 1)[-1]


class AssessorRequest(BaseModel):
    """A request of the third-party assessors for further material (第三方评估补充材料): what they
    want, by when, for which indicators. The office splits it among units (RequestPart) and hands
    the assessors a package of just those answers (the report job kind `answers`)."""

    campaign = models.ForeignKey(
        "campaign.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="assessor_requests"
    )
    title = models.CharField(_("what is asked"), max_length=200)
    detail = models.TextField(_("details"), max_length=2000, blank=True)
    due_on = models.DateField(_("wanted by"))
    indicators = models.ManyToManyField(
        "indicators.Indicator", verbose_name=_("indicators"), blank=True, related_name="assessor_requests"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("assessors' request")
        verbose_name_plural = _("assessors' requests")
        ordering = ["-due_on", "-created_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("inspection:request_detail", args=[self.pk])


class RequestPart(BaseModel):
    """One unit's share of an assessors' request, with its own deadline, and the unit's answer:
    evidence (added and reviewed as everywhere) and when it came. An answer after the deadline is
    kept and shown late."""

    permission_unit_path = "unit"

    request = models.ForeignKey(
        AssessorRequest, verbose_name=_("assessors' request"), on_delete=models.CASCADE, related_name="parts"
    )
    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField(_("deadline"))
    note = models.CharField(_("what this unit provides"), max_length=500, blank=True)
    answer_note = models.TextField(_("answer"), max_length=2000, blank=True)
    evidence = models.ManyToManyField("evidence.Evidence", verbose_name=_("evidence"), blank=True, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("unit's share of a request")
        verbose_name_plural = _("units' shares of requests")
        ordering = ["deadline", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["request", "unit"], name="request_part_once_per_unit")]

    def __str__(self):
        return f"{self.request_id}:{self.unit_id}"

    def get_absolute_url(self):
        return reverse("inspection:request_part", args=[self.pk])

    @property
    def is_late(self):
        """Answered after the deadline, or not answered and past it."""
        if self.answered_at is not None:
            return timezone.localtime(self.answered_at).date() > self.deadline
        return self.deadline < timezone.localdate()


class OutcomeDocument(BaseModel):
    """The document behind a move after 迎检 (issue 18, item 6): the 公示 notice, the naming
    decision (命名文件) or the notice of not being named. Recorded with the stage move it proves
    (inspection.services.outcome_record), checksummed, never changed afterwards."""

    campaign = models.ForeignKey(
        "campaign.Campaign", verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="+"
    )
    event = models.OneToOneField(
        "campaign.CampaignStageEvent", verbose_name=_("stage change"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("document title"), max_length=200)
    file = models.FileField(_("document"), upload_to="outcomes/%Y/%m/", max_length=200)
    file_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.BigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("outcome document")
        verbose_name_plural = _("outcome documents")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title
