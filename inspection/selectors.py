"""Reads of the 迎检 workspace, scoped through org.permissions."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from assignments.models import Assignment
from indicators.models import Indicator
from org import permissions

from .models import FieldCheckItem, PublicityAction, PublicityTarget, SurveyAnswer, SurveyQuestion


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
