"""Reads of the 迎检 workspace, scoped through org.permissions."""

import base64
import io
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from PIL import Image, ImageOps

from assessment.selectors import pool_counts
from assignments.models import Assignment
from indicators.models import Indicator
from org import permissions

from .models import (
    AssessorRequest,
    FieldCheckItem,
    PublicityAction,
    PublicityTarget,
    RequestPart,
    SurveyAnswer,
    SurveyQuestion,
    SurveyRound,
)


def publicity_actions(user, campaign):
    """The actions the user may see: the office all, a unit its own."""
    return permissions.restrict(
        user,
        permissions.VIEW_UNIT_WORK,
        PublicityAction.objects.filter(campaign=campaign)
        .select_related("unit", "evidence")
        .prefetch_related("indicators"),
    )


def task_indicators(campaign, units):
    """Level-3 indicators the units have tasks for (what their actions may support, and
    the only ones their evidence may go to)."""
    ids = Assignment.objects.filter(campaign=campaign, unit__in=units).values("indicator_id")
    return Indicator.objects.filter(pk__in=ids).order_by("code")


@dataclass
class TargetProgress:
    target: PublicityTarget
    done: int

    @property
    def pct(self):
        return min(100, round(100 * self.done / self.target.count))

    @property
    def met(self):
        return self.done >= self.target.count


def publicity_progress(user, campaign, month=None):
    """Each target the user may see with the actions logged against it (same unit, month and
    platform). Two queries whatever the number of targets."""
    targets = permissions.restrict(
        user, permissions.VIEW_UNIT_WORK, PublicityTarget.objects.filter(campaign=campaign).select_related("unit")
    )
    if month is not None:
        targets = targets.filter(month=month)
    targets = list(targets)
    done = Counter()
    if targets:
        rows = (
            PublicityAction.objects.filter(
                campaign=campaign, unit__in={t.unit_id for t in targets}, happened_on__gte=min(t.month for t in targets)
            )
            .annotate(month=TruncMonth("happened_on"))
            .values("unit_id", "month", "platform")
            .annotate(n=Count("id"))
        )
        for r in rows:
            done[(r["unit_id"], r["month"], r["platform"])] = r["n"]
    return [TargetProgress(t, done[(t.unit_id, t.month, t.platform)]) for t in targets]


# A satisfaction answer counts as satisfied from this score (满意 and 非常满意 of five).
SATISFIED_FROM = 4
WEAK_BELOW = 80  # per cent: a question or township under it is a weak point


@dataclass
class Rate:
    label: str
    done: int  # satisfied (or aware) answers
    total: int  # answers
    link: str = ""

    @property
    def pct(self):
        return round(100 * self.done / self.total) if self.total else 0


def _hit(question_kind):
    return Q(score__gte=SATISFIED_FROM) if question_kind == SurveyQuestion.Kind.SATISFACTION else Q(score=1)


def survey_results(survey):
    """Satisfaction and awareness (知晓率) of a pre-survey per question and per township, from
    two aggregate queries whatever the number of responses."""
    questions = list(survey.questions.all())
    hits = Q()
    for kind in SurveyQuestion.Kind.values:
        hits |= Q(question__kind=kind) & _hit(kind)
    rows = (
        SurveyAnswer.objects.filter(question__round=survey)
        .values("question_id", "response__township_id", "response__township__short_name", "response__township__name")
        .annotate(total=Count("id"), done=Count("id", filter=hits))
    )
    per_question = {q.pk: Rate(q.text, 0, 0) for q in questions}
    townships = {}
    cells = {}
    for r in rows:
        name = r["response__township__short_name"] or r["response__township__name"]
        rate = per_question[r["question_id"]]
        rate.done += r["done"]
        rate.total += r["total"]
        townships.setdefault(r["response__township_id"], name)
        cells[(r["question_id"], r["response__township_id"])] = Rate(name, r["done"], r["total"])
    by_kind = {kind: [q for q in questions if q.kind == kind] for kind in SurveyQuestion.Kind.values}
    town_rates = {}
    for kind, qs in by_kind.items():
        rates = []
        for town_id, name in sorted(townships.items(), key=lambda t: t[1]):
            parts = [cells[(q.pk, town_id)] for q in qs if (q.pk, town_id) in cells]
            rates.append(Rate(name, sum(p.done for p in parts), sum(p.total for p in parts)))
        town_rates[kind] = rates
    table = [
        (name, [cells.get((q.pk, town_id)) for q in questions])
        for town_id, name in sorted(townships.items(), key=lambda t: t[1])
    ]
    return {
        "questions": questions,
        "satisfaction": [per_question[q.pk] for q in by_kind[SurveyQuestion.Kind.SATISFACTION]],
        "awareness": [per_question[q.pk] for q in by_kind[SurveyQuestion.Kind.AWARENESS]],
        "township_satisfaction": town_rates[SurveyQuestion.Kind.SATISFACTION],
        "township_awareness": town_rates[SurveyQuestion.Kind.AWARENESS],
        "table": table,
        "weak_points": survey_weak_points(survey, cells=cells, questions=questions, townships=townships),
    }


def survey_weak_points(survey, *, cells=None, questions=None, townships=None, below=WEAK_BELOW):
    """(question, township name, Rate, township id) under `below` per cent, weakest first: the
    'survey weak points' the office turns into problem-pool items (survey_weak_point_to_pool) —
    each names the question (and so what to explain better) and the township that must act."""
    if cells is None:
        results = survey_results(survey)
        return results["weak_points"]
    by_pk = {q.pk: q for q in questions}
    weak = [
        (by_pk[question_id], townships[town_id], rate, town_id)
        for (question_id, town_id), rate in cells.items()
        if rate.total and rate.pct < below
    ]
    return sorted(weak, key=lambda w: (w[2].pct, w[0].position, w[1]))


def fieldcheck_items(user, campaign):
    """The checklist the user may see: the office all, a unit what it answers for."""
    return permissions.restrict(
        user,
        permissions.VIEW_UNIT_WORK,
        FieldCheckItem.objects.filter(campaign=campaign).select_related("indicator", "unit"),
    )


MANUAL_PHOTO_PX = 900  # the longer side of a photo in the handbook: sharp at 80 mm, small in the PDF


def fieldcheck_manual_photos(items):
    """The photos of a site's items for the 迎检 handbook, [(item, [data URI, …])], each photo
    scaled down with its EXIF orientation applied and inlined (the print HTML and the PDF show
    the same bytes; WeasyPrint fetches nothing). A photo that cannot be read is left out."""
    shown = []
    for item in items:
        uris = []
        for photo in item.photos.all():
            try:
                with photo.image.open("rb") as fh, Image.open(fh) as image:
                    image = ImageOps.exif_transpose(image).convert("RGB")
                    image.thumbnail((MANUAL_PHOTO_PX, MANUAL_PHOTO_PX))
                    out = io.BytesIO()
                    image.save(out, "JPEG", quality=82)
            except (OSError, ValueError):
                continue
            uris.append("data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode())
        if uris:
            shown.append((item, uris))
    return shown


def fieldcheck_readiness(items):
    """Ready / total per indicator and per unit, as bars (one aggregate query each)."""
    ready = Count("id", filter=Q(status=FieldCheckItem.Status.READY))
    per_indicator = [
        Rate(f"{r['indicator__code']} {r['indicator__title']}", r["done"], r["total"])
        for r in items.order_by()
        .values("indicator__code", "indicator__title")
        .annotate(total=Count("id"), done=ready)
        .order_by("indicator__code")
    ]
    per_unit = [
        Rate(r["unit__short_name"] or r["unit__name"], r["done"], r["total"])
        for r in items.order_by()
        .values("unit__code", "unit__short_name", "unit__name")
        .annotate(total=Count("id"), done=ready)
        .order_by("unit__code")
    ]
    return {"by_indicator": per_indicator, "by_unit": per_unit}


# --- the assessors' requests --------------------------------------------------------------------


def request_list(campaign, today):
    """The campaign's assessors' requests, each with its shares' count, answered, and late ones
    (answered after the deadline, or past it without an answer) — one query."""
    answered_late = Q(parts__answered_at__isnull=False) & Q(parts__answered_at__date__gt=F("parts__deadline"))
    missing_late = Q(parts__answered_at__isnull=True, parts__deadline__lt=today)
    return (
        AssessorRequest.objects.filter(campaign=campaign)
        .annotate(
            part_count=Count("parts", distinct=True),
            answered=Count("parts", filter=Q(parts__answered_at__isnull=False), distinct=True),
            late=Count("parts", filter=answered_late | missing_late, distinct=True),
        )
        .order_by("-due_on", "-created_at")
    )


REQUEST_PART_FILTERS = ("all", "answered", "missing")


def request_parts(user, campaign, *, shown="", today=None):
    """The shares of requests the user may see: the office all, a unit its own; `shown`
    answered, or missing (not answered, past the deadline)."""
    parts = permissions.restrict(
        user,
        permissions.VIEW_UNIT_WORK,
        RequestPart.objects.filter(request__campaign=campaign).select_related("request", "unit"),
    )
    if shown == "answered":
        parts = parts.filter(answered_at__isnull=False)
    elif shown == "missing":
        parts = parts.filter(answered_at__isnull=True, deadline__lt=today)
    return parts


def request_answer_counts(campaign, today):
    """Shares of requests: all, answered, answered late and not answered past the deadline."""
    parts = RequestPart.objects.filter(request__campaign=campaign)
    return parts.aggregate(
        total=Count("pk"),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        missing=Count("pk", filter=Q(answered_at__isnull=True, deadline__lt=today)),
    )


# --- the readiness dashboard ------------------------------------------------------------------


@dataclass
class Tile:
    label: str
    value: object
    url: str


def readiness_dashboard(user, campaign, today):
    """The 迎检 readiness figures, each with the list it counts (the same querysets the lists
    use; tests/inspection/test_dashboard.py follows every link). A fixed number of queries,
    whatever the county's size."""
    actions = publicity_actions(user, campaign).count()
    progress = publicity_progress(user, campaign)
    pool = pool_counts(campaign, today)
    answers = request_answer_counts(campaign, today)
    checklist = FieldCheckItem.objects.filter(campaign=campaign).aggregate(
        total=Count("pk"), ready=Count("pk", filter=Q(status=FieldCheckItem.Status.READY))
    )
    survey = SurveyRound.objects.filter(campaign=campaign).order_by("-created_at").first()
    pool_url = reverse("assessment:rectifications")
    requests_url = reverse("inspection:requests")
    fieldcheck_url = reverse("inspection:fieldcheck")
    sections = [
        (
            _("Publicity"),
            [
                Tile(_("Actions logged"), actions, reverse("inspection:publicity")),
                Tile(_("Targets"), len(progress), reverse("inspection:publicity_targets")),
                Tile(
                    _("Targets met"), sum(p.met for p in progress), reverse("inspection:publicity_targets") + "?met=1"
                ),
            ],
        ),
        (
            _("Problem pool"),
            [
                Tile(pgettext("rectification filter", "Open"), pool["open"], f"{pool_url}?status=open"),
                Tile(_("Overdue"), pool["overdue"], f"{pool_url}?status=overdue"),
                Tile(_("Fix reported"), pool["reported"], f"{pool_url}?status=reported"),
                Tile(_("Closed"), pool["closed"], f"{pool_url}?status=closed"),
            ],
        ),
        (
            _("Assessors' requests"),
            [
                Tile(_("Units' shares"), answers["total"], f"{requests_url}?parts=all"),
                Tile(_("Answered"), answers["answered"], f"{requests_url}?parts=answered"),
                Tile(_("Not answered, past the deadline"), answers["missing"], f"{requests_url}?parts=missing"),
            ],
        ),
        (
            _("Field-check readiness"),
            [
                Tile(_("Checklist items"), checklist["total"], fieldcheck_url),
                Tile(_("Ready"), checklist["ready"], f"{fieldcheck_url}?status=ready"),
            ],
        ),
    ]
    survey_tiles = [
        Tile(_("Pre-surveys"), SurveyRound.objects.filter(campaign=campaign).count(), reverse("inspection:survey"))
    ]
    if survey is not None:
        results = survey_results(survey)
        survey_tiles.append(
            Tile(_("Weak points in the latest"), len(results["weak_points"]), survey.get_absolute_url())
        )
    sections.insert(3, (_("Satisfaction pre-survey"), survey_tiles))
    return sections
