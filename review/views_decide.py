"""The write side of review/: the city's and the province's decision page for one submitted version,
the decision and the recommendation, the versions and what changed between them, the
recommendations with their 推荐函, and the county office's list of return comments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from campaign.selectors import campaign_current_or_404
from core.audit import audit_record
from core.downloads import file_response
from core.ids import is_uuid
from indicators.models import Indicator
from org import permissions
from org.models import Region
from reports.models import ReportJob, Submission
from reports.selectors import submission_list_for

from .forms import COMMENT_ROWS, DecisionForm, LetterForm, RecommendForm
from .models import Decision, Level, Recommendation, RecommendationLetter, ReturnComment
from .selectors import reviewer_cities, reviewer_provinces, submissions_for
from .services import (
    LETTER_KINDS,
    comment_done,
    decision_make,
    letter_jobs,
    letter_make,
    recommendation_make,
)
from .versions import version_diff


def _level(user):
    """The level a reviewer decides at: the province's reviewers at the province, everyone else (the
    city's reviewers, IT) at the city."""
    if not user.is_superuser and permissions.can(user, permissions.RECORD_PROVINCE_REVIEW):
        return Level.PROVINCE
    return Level.CITY


def _reviewed_submission(user, pk):
    """One submitted version in the reviewer's scope (404 outside it, 403 for who reviews nothing)."""
    level = _level(user)
    permissions.require_global(user, (permissions.RECORD_CITY_REVIEW, permissions.RECORD_PROVINCE_REVIEW))
    queryset = submissions_for(user, level).select_related("campaign__region", "city_office", "submitted_by")
    try:
        return queryset.get(pk=pk), level
    except (Submission.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


@login_required
@require_GET
def submission(request, pk):
    """A version as the reviewer decides on it: its figures, the campaign's versions, the decisions
    made and the forms for the next one (decision, then recommendation)."""
    s, level = _reviewed_submission(request.user, pk)
    versions = list(
        Submission.objects.filter(campaign_id=s.campaign_id).order_by("version").only("id", "version", "created_at")
    )
    decisions = list(
        Decision.objects.filter(submission=s).select_related("decided_by").prefetch_related("comments__indicator")
    )
    mine = next((d for d in decisions if d.level == level), None)
    latest = versions[-1].version == s.version
    context = {
        "s": s,
        "level": level,
        "versions": versions,
        "latest": latest,
        "decisions": decisions,
        "recommendations": Recommendation.objects.filter(submission=s).select_related("region"),
        "can_decide": latest and mine is None,
        "can_recommend": latest
        and mine is not None
        and mine.outcome == Decision.Outcome.PASSED
        and not Recommendation.objects.filter(level=level, campaign_id=s.campaign_id).exists(),
        "form": DecisionForm(),
        "recommend_form": RecommendForm(),
        "comment_rows": range(COMMENT_ROWS),
        "indicators": Indicator.objects.filter(framework_id=s.campaign.framework_id, level=3)
        .only("id", "code", "title")
        .order_by("code"),
    }
    return render(request, "review/submission.html", context)


@login_required
@require_POST
def decide(request, pk):
    s, level = _reviewed_submission(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision and give a reason."))
        return redirect("review:submission", pk=s.pk)
    try:
        decision_make(
            submission=s,
            outcome=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
            comments=form.comments(),
            by=request.user,
            level=level,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Decision recorded; the county office has been told."))
    return redirect("review:submission", pk=s.pk)


@login_required
@require_POST
def recommend(request, pk):
    s, level = _reviewed_submission(request.user, pk)
    form = RecommendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a short reason for the recommendation."))
        return redirect("review:submission", pk=s.pk)
    try:
        recommendation_make(submission=s, reason=form.cleaned_data["reason"], by=request.user, level=level)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Recommended."))
    return redirect("review:submission", pk=s.pk)


def _visible_submissions(user):
    """What the user may read: the county's own (office), or what they review (city, province)."""
    return submission_list_for(user) | submissions_for(user, Level.CITY) | submissions_for(user, Level.PROVINCE)


@login_required
@require_GET
def versions(request, campaign):
    """A campaign's submitted versions and what changed between two of them (?a=1&b=2)."""
    items = list(_visible_submissions(request.user).filter(campaign_id=campaign).order_by("version").distinct())
    if not items:
        raise Http404
    by_version = {s.version: s for s in items}
    try:
        a = by_version[int(request.GET.get("a", items[-2].version if len(items) > 1 else items[0].version))]
        b = by_version[int(request.GET.get("b", items[-1].version))]
    except (KeyError, ValueError):
        raise Http404 from None
    older, newer = (a, b) if a.version <= b.version else (b, a)
    return render(
        request,
        "review/versions.html",
        {"campaign": items[0].campaign, "items": items, "diff": version_diff(older, newer), "a": older, "b": newer},
    )


@login_required
@require_GET
def comments(request):
    """The county office's list of what the city asked for (退回补充), newest return first."""
    permissions.require_global(request.user, permissions.REVIEW_UNIT_WORK)
    campaign = campaign_current_or_404(request.user)
    decisions = (
        permissions.restrict(request.user, permissions.REVIEW_UNIT_WORK, Decision)
        .filter(campaign=campaign, outcome=Decision.Outcome.RETURNED)
        .select_related("submission", "decided_by")
        .prefetch_related("comments__indicator", "comments__done_by")
    )
    return render(request, "review/comments.html", {"campaign": campaign, "decisions": decisions})


@login_required
@require_POST
def comment_done_view(request, pk):
    permissions.require_global(request.user, permissions.REVIEW_UNIT_WORK)
    comment = permissions.require(
        request.user, ReturnComment, permissions.REVIEW_UNIT_WORK, view_perm=permissions.REVIEW_UNIT_WORK, pk=pk
    )
    comment_done(comment=comment, by=request.user, done=request.POST.get("done", "1") == "1")
    return redirect("review:comments")


def _regions(user, level):
    if user.is_superuser:
        return Region.objects.filter(kind=Region.Kind.CITY if level == Level.CITY else Region.Kind.PROVINCE)
    return reviewer_cities(user) if level == Level.CITY else reviewer_provinces(user)


@login_required
@require_GET
def recommendations(request):
    """The reviewer's recommendations per batch with the packages to download, and the 推荐函."""
    permissions.require_global(request.user, (permissions.RECORD_CITY_REVIEW, permissions.RECORD_PROVINCE_REVIEW))
    level = _level(request.user)
    regions = _regions(request.user, level)
    recs = (
        Recommendation.objects.filter(level=level, region__in=regions)
        .select_related("campaign", "submission", "region")
        .order_by("region__code", "batch", "kind")
    )
    batches = {}
    for r in recs:
        batches.setdefault((r.region, r.batch), []).append(r)
    letters = RecommendationLetter.objects.filter(level=level, region__in=regions).select_related("region")
    # The province's inbox: what its cities recommended, to decide on (省级初审) and download.
    incoming = (
        Recommendation.objects.filter(level=Level.CITY, region__parent__in=regions)
        .select_related("campaign", "submission", "region")
        .order_by("batch", "region__code", "kind")
        if level == Level.PROVINCE
        else []
    )
    context = {
        "level": level,
        "incoming": incoming,
        "batches": [
            {"region": region, "batch": batch, "items": items, "form": LetterForm(initial={"batch": batch})}
            for (region, batch), items in batches.items()
        ],
        "letters": letters,
    }
    return render(request, "review/recommendations.html", context)


@login_required
@require_POST
def letter_new(request):
    permissions.require_global(request.user, (permissions.RECORD_CITY_REVIEW, permissions.RECORD_PROVINCE_REVIEW))
    level = _level(request.user)
    region_id = request.POST.get("region", "")
    region = _regions(request.user, level).filter(pk=region_id).first() if is_uuid(region_id) else None
    form = LetterForm(request.POST)
    if region is None or not form.is_valid():
        messages.error(request, _("Give the letter's document number and date."))
        return redirect("review:recommendations")
    try:
        letter = letter_make(
            region=region,
            batch=form.cleaned_data["batch"],
            number=form.cleaned_data["number"],
            issued_on=form.cleaned_data["issued_on"],
            by=request.user,
            level=level,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("review:recommendations")
    messages.success(request, _("The letter is being compiled."))
    return redirect("review:letter", pk=letter.pk)


def _letter(user, pk):
    permissions.require_global(user, (permissions.RECORD_CITY_REVIEW, permissions.RECORD_PROVINCE_REVIEW))
    level = _level(user)
    try:
        return RecommendationLetter.objects.select_related("region").get(
            pk=pk, level=level, region__in=_regions(user, level)
        )
    except (RecommendationLetter.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


@login_required
@require_GET
def letter(request, pk):
    letter = _letter(request.user, pk)
    jobs = letter_jobs(letter)
    context = {
        "letter": letter,
        "jobs": list(zip(LETTER_KINDS, jobs, strict=True)),
        "jobs_active": any(j is not None and j.status in ReportJob.ACTIVE for j in jobs),
    }
    return render(request, "review/letter.html", context)


@login_required
@require_GET
def letter_download(request, pk, kind):
    letter = _letter(request.user, pk)
    if kind not in LETTER_KINDS:
        raise Http404
    job = (
        ReportJob.objects.filter(subject_id=letter.pk, kind=kind, status=ReportJob.Status.DONE)
        .order_by("-finished_at")
        .first()
    )
    if job is None or not job.file:
        raise Http404
    audit_record(actor=request.user, verb="downloaded", obj=job, object_repr=job.file_name, request=request)
    return file_response(job.file, job.file_name)


@login_required
@require_GET
def package(request, pk):
    """A recommended (or reviewed) version's evidence package, for the reviewers in whose scope it is."""
    s, _level_unused = _reviewed_submission(request.user, pk)
    if not s.package:
        raise Http404
    audit_record(actor=request.user, verb="downloaded", obj=s, after={"part": "package"}, request=request)
    return file_response(s.package, f"{s.county}-{s.title}-v{s.version}.zip")
