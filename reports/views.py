from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaign.selectors import campaign_current_or_404
from core.audit import audit_record
from core.downloads import file_response
from org import permissions

from .forms import CityReviewForm, ReportTextForm
from .models import ReportJob
from .selectors import latest_job, report_text_of, submission_checks, submission_list_for
from .services import (
    report_request,
    report_text_update,
    submission_create,
    submission_review,
    submission_verify,
)


def _jobs(campaign):
    return {kind: latest_job(campaign, kind) for kind in ReportJob.Kind.values}


def _jobs_context(campaign):
    """The job cards and whether the fragment polls: while any kind's job is queued or running
    (every kind, so that a new one cannot be left out of the poll, as the DOCX once was)."""
    jobs = _jobs(campaign)
    return {
        "jobs": jobs,
        "kinds": ReportJob.Kind.choices,
        "jobs_active": any(j is not None and j.status in ReportJob.ACTIVE for j in jobs.values()),
    }


@login_required
@require_http_methods(["GET", "POST"])
def index(request):
    """The campaign's outputs: the report's free texts, compile jobs with live progress, submission."""
    permissions.require_global(request.user, permissions.COMPILE_REPORTS)
    campaign = campaign_current_or_404(request.user)
    form = ReportTextForm(request.POST or None, instance=report_text_of(campaign))
    if request.method == "POST" and form.is_valid():
        report_text_update(campaign=campaign, by=request.user, **{f: form.cleaned_data[f] for f in form.Meta.fields})
        messages.success(request, _("Saved."))
        return redirect("reports:index")
    context = {
        "campaign": campaign,
        "form": form,
        **_jobs_context(campaign),
        "submissions": submission_list_for(request.user).filter(campaign=campaign).select_related("submitted_by"),
        "can_submit": permissions.can(request.user, permissions.SUBMIT_TO_CITY),
    }
    return render(request, "reports/index.html", context)


@login_required
@require_GET
def jobs(request):
    """The jobs panel alone, polled by htmx while a job runs."""
    permissions.require_global(request.user, permissions.COMPILE_REPORTS)
    campaign = campaign_current_or_404(request.user)
    return render(request, "reports/_jobs.html", {"campaign": campaign, **_jobs_context(campaign)})


@login_required
@require_POST
def compile_view(request):
    permissions.require_global(request.user, permissions.COMPILE_REPORTS)
    try:
        report_request(
            campaign=campaign_current_or_404(request.user), kind=request.POST.get("kind", ""), by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("reports:index")


@login_required
@require_GET
def download(request, pk):
    permissions.require_global(request.user, permissions.REVIEW_UNIT_WORK)
    job = permissions.require(
        request.user,
        ReportJob.objects.filter(status=ReportJob.Status.DONE),
        permissions.REVIEW_UNIT_WORK,
        view_perm=permissions.REVIEW_UNIT_WORK,
        pk=pk,
    )
    if not job.file:
        raise Http404
    if "volume" in request.GET:  # one volume of a split package, numbered from 1
        number = request.GET["volume"]
        if not number.isdigit() or not 1 <= int(number) <= len(job.volumes):
            raise Http404
        volume = job.volumes[int(number) - 1]
        audit_record(
            actor=request.user,
            verb="downloaded",
            obj=job,
            object_repr=volume["name"],
            after={"volume": int(number)},
            request=request,
        )
        return file_response(volume["path"], volume["name"], content_type="application/zip")
    audit_record(actor=request.user, verb="downloaded", obj=job, object_repr=job.file_name, request=request)
    return file_response(job.file, job.file_name)


@login_required
@require_http_methods(["GET", "POST"])
def submit(request):
    """Submitting to the city: a page lists every blocker and warning with its figures and the
    list behind it; the office admin ticks each warning, and the POST submits only if the
    figures are still those the page showed."""
    campaign = campaign_current_or_404(request.user)
    permissions.require_global(request.user, permissions.SUBMIT_TO_CITY)
    if request.method == "POST":
        confirmed = [key for key in request.POST if key.startswith("confirm_")]
        try:
            submission = submission_create(
                campaign=campaign,
                by=request.user,
                confirmed=[key.removeprefix("confirm_") for key in confirmed],
                figures=request.POST.get("figures", ""),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("reports:submit")
        messages.success(request, _("Submitted to the city office."))
        return redirect(submission)
    checks = submission_checks(campaign)
    return render(request, "reports/submit_confirm.html", {"campaign": campaign, "checks": checks})


@login_required
@require_GET
def submission_list(request):
    permissions.require_perm(request.user, (permissions.REVIEW_UNIT_WORK, permissions.RECORD_CITY_REVIEW))
    items = submission_list_for(request.user).select_related("city_office", "submitted_by")
    return render(request, "reports/submission_list.html", {"items": items})


@login_required
@require_http_methods(["GET", "POST"])
def submission_detail(request, pk):
    submission = permissions.require(
        request.user,
        submission_list_for(request.user).select_related("city_office", "submitted_by", "city_reviewed_by"),
        permissions.REVIEW_UNIT_WORK,
        view_perm=permissions.REVIEW_UNIT_WORK,
        pk=pk,
    )
    form = CityReviewForm(request.POST or None, initial={"text": submission.city_review})
    if request.method == "POST":
        permissions.require_global(request.user, permissions.RECORD_CITY_REVIEW)
        if form.is_valid():
            submission_review(submission=submission, by=request.user, text=form.cleaned_data["text"])
            messages.success(request, _("Saved."))
            return redirect(submission)
    problems = submission_verify(submission) if request.GET.get("verify") else None
    can_review = permissions.can(request.user, permissions.RECORD_CITY_REVIEW)
    return render(
        request,
        "reports/submission_detail.html",
        {"s": submission, "problems": problems, "form": form, "can_review": can_review},
    )


@login_required
@require_GET
def submission_download(request, pk, part):
    submission = permissions.require(
        request.user,
        submission_list_for(request.user),
        permissions.REVIEW_UNIT_WORK,
        view_perm=permissions.REVIEW_UNIT_WORK,
        pk=pk,
    )
    names = {"report": (_("report"), "pdf"), "document": (_("report"), "docx"), "package": (_("package"), "zip")}
    if part not in names:
        raise Http404
    field = getattr(submission, part)
    if not field:  # a submission made before the DOCX existed, or without one
        raise Http404
    audit_record(actor=request.user, verb="downloaded", obj=submission, after={"part": part}, request=request)
    label, ext = names[part]
    return file_response(field, f"{submission.county}-{submission.title}-{label}.{ext}")
