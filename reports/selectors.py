"""Read-only queries about report jobs and submissions."""

import hashlib
from dataclasses import dataclass, field
from fractions import Fraction

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessment.eligibility import eligibility
from assessment.models import Assessment, Rectification
from assessment.readiness import single_item_readiness
from assignments.models import Assignment
from campaign.models import Campaign
from evidence.models import Evidence
from indicators.models import Indicator
from org import permissions

from .models import ReportJob, ReportText, Submission


def submission_list_for(user):
    """Submissions the user may see: the office's own county's, or a city office's inbox."""
    return permissions.restrict(user, permissions.REVIEW_UNIT_WORK, Submission)


def submission_frozen_figures(campaign, e, manifest, today=None):
    """What the city's workspace compares beside the eligibility, frozen with the submission (its
    `eligibility` JSON) so that it shows what was submitted, not today's work: the veto indicators
    triggered, the weighted score, open rectification items, shares overdue on the day and the
    evidence items in the package (each indicator's result and score are in the snapshot,
    submission_state). Two queries."""
    today = today or timezone.localdate()
    overdue = (
        Assignment.objects.filter(campaign=campaign, status__in=Assignment.OPEN_STATUSES, ongoing=False)
        .filter(deadline__lt=today)
        .count()
    )
    return {
        "veto_blockers": list(e.veto_blockers),
        "score": str(e.score),
        "max_score": str(e.max_score),
        "counts": dict(e.counts),
        "rectifications_open": Rectification.objects.filter(
            campaign=campaign, status=Rectification.Status.OPEN
        ).count(),
        "overdue": overdue,
        "evidence": sum(1 for m in manifest if m.get("kind") != "report"),
    }


def report_text_of(campaign):
    """The report's free-text sections, or a blank set not yet saved (a GET writes nothing)."""
    return ReportText.objects.filter(campaign=campaign).first() or ReportText(campaign=campaign)


def latest_job(campaign, kind, done=False, subject=""):
    jobs = ReportJob.objects.filter(campaign=campaign, kind=kind, subject=subject)
    if done:
        jobs = jobs.filter(status=ReportJob.Status.DONE)
    return jobs.order_by("-created_at").first()


def latest_file(campaign, kind):
    job = latest_job(campaign, kind, done=True)
    return job.file if job and job.file else None


# --- before submitting to the city ----------------------------------------------------------


@dataclass
class SubmissionCheck:
    """One thing the office should know before it submits. A blocking check refuses the
    submission; the others are warnings the office admin confirms one by one."""

    key: str
    label: str  # what is wrong, with its figures, in the user's language
    count: int
    url: str  # the list that shows the items behind the count
    blocking: bool
    codes: list = field(default_factory=list)  # indicator codes, where naming them helps

    @property
    def field_name(self):
        return f"confirm_{self.key}"


@dataclass
class SubmissionChecks:
    checks: list
    report: ReportJob | None
    package: ReportJob | None
    eligibility: object
    readiness: object = None  # a single-item campaign's (assessment.readiness); None for a comprehensive one

    @property
    def blockers(self):
        return [c for c in self.checks if c.blocking]

    @property
    def warnings(self):
        return [c for c in self.checks if not c.blocking]

    @property
    def figures(self):
        """A short digest of every figure and file the page shows: the POST carries the one the
        office saw, and a submission whose figures changed meanwhile is shown again (compare-and-set)."""
        parts = [f"{c.key}={c.count}" for c in self.checks]
        parts += [f"{kind}={job.pk if job else ''}" for kind, job in (("pdf", self.report), ("package", self.package))]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def submission_checks(campaign):
    """Everything that stands between the campaign and a sound submission, with counts and the
    list behind each. A comprehensive campaign under its threshold or with a triggered veto
    cannot be submitted (the plan: only a county that meets the requirements applies). A
    single-item campaign is not measured by the 90 % rule: its blockers are the narrative's
    unwritten sections and the lack of accepted evidence (assessment.readiness), and the
    indicator system's figures (threshold, veto, unassessed) are not asked of it."""
    report, package = latest_job(campaign, "pdf", done=True), latest_job(campaign, "package", done=True)
    e = eligibility(campaign)
    comprehensive = campaign.kind == Campaign.Kind.COMPREHENSIVE
    readiness = None if comprehensive else single_item_readiness(campaign)
    checks = []

    def add(key, label, count, url, blocking, codes=()):
        if count:
            checks.append(SubmissionCheck(key, label, count, url, blocking, list(codes)))

    add(
        "city_office",
        _("No city office is set for the campaign."),
        int(campaign.city_office_id is None),
        reverse("campaign:edit", args=[campaign.pk]),
        True,
    )
    missing = [
        label
        for job, label in ((report, _("the report (PDF)")), (package, _("the evidence package (ZIP)")))
        if job is None
    ]
    add(
        "compiled",
        _("Not compiled yet: %(files)s.") % {"files": "、".join(str(m) for m in missing)},
        len(missing),
        reverse("reports:index"),
        True,
    )
    assessments = reverse("assessment:list")
    if readiness is not None:
        add(
            "narrative",
            _("The single-item narrative is not complete: %(sections)s.")
            % {"sections": "、".join(str(m) for m in readiness.missing)},
            len(readiness.missing),
            reverse("reports:index"),
            True,
        )
        add(
            "evidence_none",
            _("No evidence of the single item is accepted yet."),
            int(readiness.accepted == 0),
            f"{reverse('evidence:queue')}?review=accepted",
            True,
        )
        returned = readiness.returned
        add(
            "evidence_returned",
            ngettext(
                "%(n)s piece of evidence is returned to its unit: it is left out of the package.",
                "%(n)s pieces of evidence are returned to their units: they are left out of the package.",
                returned,
            )
            % {"n": returned},
            returned,
            f"{reverse('evidence:queue')}?review=returned",
            False,
        )
    if comprehensive and (e.ratio is None or e.ratio < Fraction(e.threshold)):
        add(
            "threshold",
            _(
                "%(met)s of %(applicable)s applicable indicators met (%(percent)s%%), under the threshold of "
                "%(threshold)s%%: %(needed)s more needed."
            )
            % {
                "met": e.met,
                "applicable": e.applicable,
                "percent": f"{e.percent or 0:.1f}",
                "threshold": f"{float(e.threshold_percent):g}",
                "needed": e.needed,
            },
            max(e.needed, 1),
            assessments,
            comprehensive,
            e.short[:20],
        )
    add(
        "veto",
        ngettext("%(n)s veto indicator is triggered.", "%(n)s veto indicators are triggered.", len(e.veto_blockers))
        % {"n": len(e.veto_blockers)},
        len(e.veto_blockers) if comprehensive else 0,
        assessments,
        comprehensive,
        e.veto_blockers,
    )
    unassessed = e.counts.get("", 0) if comprehensive else 0
    add(
        "unassessed",
        ngettext("%(n)s indicator is not assessed yet.", "%(n)s indicators are not assessed yet.", unassessed)
        % {"n": unassessed},
        unassessed,
        f"{assessments}?result=none",
        False,
    )
    pending = (
        Evidence.objects.visible().filter(assignment__campaign=campaign, review_status=Evidence.Review.PENDING).count()
    )
    add(
        "evidence_pending",
        ngettext(
            "%(n)s piece of evidence waits for review: it is left out of the package.",
            "%(n)s pieces of evidence wait for review: they are left out of the package.",
            pending,
        )
        % {"n": pending},
        pending,
        reverse("evidence:queue"),
        False,
    )
    open_items = Rectification.objects.filter(campaign=campaign, status__in=Rectification.OPEN_STATUSES).count()
    add(
        "rectifications_open",
        ngettext("%(n)s rectification item is still open.", "%(n)s rectification items are still open.", open_items)
        % {"n": open_items},
        open_items,
        f"{reverse('assessment:rectifications')}?status=open",
        False,
    )
    shares = Assignment.objects.filter(campaign=campaign).exclude(status=Assignment.Status.ACCEPTED).count()
    add(
        "shares_open",
        ngettext("%(n)s task is not accepted yet.", "%(n)s tasks are not accepted yet.", shares) % {"n": shares},
        shares,
        f"{reverse('assignments:list')}?accepted=false",
        False,
    )
    return SubmissionChecks(checks=checks, report=report, package=package, eligibility=e, readiness=readiness)


def submission_state(campaign):
    """What a submission freezes about each level-3 indicator, so that two versions compare
    without reading live data: the assessment's result, self-score and veto, and the ids of the
    accepted, visible evidence proving it (its own tasks' and what also proves it). Three queries."""
    indicators = {
        i.pk: i
        for i in Indicator.objects.filter(framework_id=campaign.framework_id, level=3).only(
            "id", "code", "title", "score"
        )
    }
    state = {
        i.code: {
            "id": str(i.pk),
            "title": i.title,
            "full": str(i.score) if i.score is not None else None,
            "result": "",
            "score": None,
            "veto": False,
            "evidence": [],
        }
        for i in indicators.values()
    }
    for a in Assessment.objects.filter(campaign=campaign).only(
        "indicator_id", "result", "self_score", "veto_triggered"
    ):
        if a.indicator_id in indicators:
            row = state[indicators[a.indicator_id].code]
            row["result"] = a.result
            row["score"] = str(a.self_score) if a.self_score is not None else None
            row["veto"] = a.veto_triggered
    accepted = Evidence.objects.accepted().filter(assignment__campaign=campaign)
    for evidence_id, indicator_id, also in accepted.values_list("pk", "assignment__indicator_id", "also_proves"):
        for pk in {indicator_id, also} - {None}:
            if pk in indicators:
                state[indicators[pk].code]["evidence"].append(str(evidence_id))
    for row in state.values():
        row["evidence"] = sorted(set(row["evidence"]))
    return {"indicators": state}
