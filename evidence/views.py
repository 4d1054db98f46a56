from types import SimpleNamespace
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assignments.models import Assignment
from campaign.selectors import campaign_current
from core.audit import audit_record
from core.downloads import file_response, immutable_file_response
from core.ids import is_uuid
from core.uploads import upload_refusal
from indicators.models import Indicator
from org import permissions

from .filters import ReviewQueueFilter
from .forms import (
    FILE_ACCEPT,
    FileEvidenceForm,
    LinkEvidenceForm,
    LinkIndicatorsForm,
    ReplaceForm,
    ReviewForm,
    SummaryEvidenceForm,
)
from .models import Evidence, EvidenceRevision
from .services import (
    evidence_accept_many,
    evidence_add,
    evidence_default_title,
    evidence_hide,
    evidence_link_indicators,
    evidence_replace,
    evidence_restore,
    evidence_review,
)
from .sniff import Refused


def _share(user, pk):
    return permissions.require(
        user,
        Assignment.objects.select_related("unit", "indicator", "campaign"),
        permissions.CONTRIBUTE_UNIT_WORK,
        pk=pk,
    )


def _evidence(user, pk, perm=permissions.VIEW_UNIT_WORK):
    """Evidence in the user's scope; hidden evidence only for the office."""
    evidence = permissions.require(
        user,
        Evidence.objects.select_related(
            "assignment__unit", "assignment__indicator", "assignment__campaign", "current_revision"
        ),
        perm,
        pk=pk,
    )
    if evidence.is_hidden and not permissions.can(user, permissions.REVIEW_UNIT_WORK, evidence):
        raise Http404
    return evidence


def _wants_json(request):
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _errors(form):
    return " ".join(e for errors in form.errors.values() for e in errors)


@login_required
@require_POST
def add_files(request, share):
    """Upload one or several files. The page's script sends one file per request to
    show a progress bar each, and reads the JSON answer; without script the form posts all."""
    assignment = _share(request.user, share)
    form = FileEvidenceForm(request.POST, request.FILES)  # parses the upload: the size check below needs it done
    if refusal := upload_refusal(request):
        return _answer(request, assignment, False, refusal)
    if not form.is_valid():
        return _answer(request, assignment, False, _errors(form))
    results = []
    for upload in form.cleaned_data["files"]:
        title = form.cleaned_data["title"] or evidence_default_title(
            assignment=assignment,
            kind=form.cleaned_data["kind"],
            upload_name=upload.name,
            issued_on=form.cleaned_data["issued_on"],
        )
        try:
            evidence_add(
                assignment=assignment,
                kind=form.cleaned_data["kind"],
                upload=upload,
                by=request.user,
                title=title,
                issued_on=form.cleaned_data["issued_on"],
                note=form.cleaned_data["note"],
            )
            results.append((True, _("%(name)s uploaded.") % {"name": upload.name}))
        except (Refused, ValidationError) as exc:
            results.append(
                (
                    False,
                    _("%(name)s: %(message)s")
                    % {"name": upload.name, "message": " ".join(getattr(exc, "messages", [str(exc)]))},
                )
            )
    ok = all(r[0] for r in results)
    return _answer(request, assignment, ok, " ".join(r[1] for r in results))


def _answer(request, assignment, ok, message):
    if _wants_json(request):
        return JsonResponse({"ok": ok, "message": message}, status=200 if ok else 400)
    (messages.success if ok else messages.error)(request, message)
    return redirect(assignment)


@login_required
@require_POST
def add_link(request, share):
    assignment = _share(request.user, share)
    form = LinkEvidenceForm(request.POST)
    if form.is_valid():
        return _add_other(
            request,
            assignment,
            Evidence.Kind.NEWS_LINK,
            form,
            url=form.cleaned_data["url"],
            note=form.cleaned_data["note"],
        )
    return _answer(request, assignment, False, _errors(form))


@login_required
@require_POST
def add_summary(request, share):
    assignment = _share(request.user, share)
    form = SummaryEvidenceForm(request.POST)
    if form.is_valid():
        return _add_other(request, assignment, Evidence.Kind.SUMMARY, form, text=form.cleaned_data["text"])
    return _answer(request, assignment, False, _errors(form))


def _add_other(request, assignment, kind, form, **content):
    try:
        evidence_add(
            assignment=assignment,
            kind=kind,
            title=form.cleaned_data["title"],
            by=request.user,
            issued_on=form.cleaned_data["issued_on"],
            **content,
        )
    except ValidationError as exc:
        return _answer(request, assignment, False, " ".join(exc.messages))
    return _answer(request, assignment, True, _("Saved."))


@login_required
@require_GET
def detail(request, pk):
    """One piece of evidence: preview, revisions, review, replace, link to more indicators."""
    evidence = _evidence(request.user, pk)
    user = request.user
    also = list(evidence.also_proves.order_by("code"))
    context = {
        "e": evidence,
        "revisions": evidence.revisions.select_related("uploaded_by"),
        "reviews": evidence.reviews.select_related("reviewer"),
        "also": also,
        "can_contribute": permissions.can(user, permissions.CONTRIBUTE_UNIT_WORK, evidence)
        and evidence.assignment.is_open,
        "can_review": permissions.can(user, permissions.REVIEW_UNIT_WORK, evidence),
        "file_accept": FILE_ACCEPT,
        "link_form": LinkIndicatorsForm(initial={"codes": ", ".join(i.code for i in also)}),
    }
    if "queue" in request.GET and context["can_review"]:  # opened from the review queue
        query = _queue_query(request.GET.get("queue", ""))
        following = _next_in_queue(user, query, after=evidence)
        context.update(
            queue=query, queue_url=_queue_url(query), next_url=_in_queue(following, query) if following else ""
        )
    return render(request, "evidence/detail.html", context)


@login_required
@require_POST
def replace(request, pk):
    evidence = _evidence(request.user, pk, permissions.CONTRIBUTE_UNIT_WORK)
    form = ReplaceForm(request.POST, request.FILES)  # parses the upload first
    if refusal := upload_refusal(request):
        messages.error(request, refusal)
        return redirect(evidence)
    try:
        if not form.is_valid():
            raise ValidationError(_errors(form))
        evidence_replace(
            evidence=evidence,
            by=request.user,
            upload=form.cleaned_data["file"],
            url=form.cleaned_data["url"],
            text=form.cleaned_data["text"],
        )
        messages.success(request, _("A new revision was saved; the old ones are kept."))
    except (Refused, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect(evidence)


@login_required
@require_POST
def hide(request, pk):
    evidence = _evidence(request.user, pk, permissions.CONTRIBUTE_UNIT_WORK)
    try:
        evidence_hide(evidence=evidence, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(evidence)
    messages.success(request, _("The evidence was deleted. The office can restore it if needed."))
    return redirect(evidence.assignment)


@login_required
@require_POST
def restore(request, pk):
    evidence = _evidence(request.user, pk, permissions.REVIEW_UNIT_WORK)
    evidence_restore(evidence=evidence, by=request.user)
    messages.success(request, _("The evidence was restored."))
    return redirect(evidence)


@login_required
@require_POST
def review(request, pk):
    evidence = _evidence(request.user, pk, permissions.REVIEW_UNIT_WORK)
    form = ReviewForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_errors(form))
        evidence_review(
            evidence=evidence,
            decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
            by=request.user,
        )
        messages.success(request, _("Review saved."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if request.POST.get("from") == "queue":
        # Back to the same filtered queue and page: the reviewer works through what they chose.
        return redirect(_queue_url(request.POST.get("queue", "")))
    if "queue" in request.POST:
        # Reviewing from the evidence page reached from the queue: on to the next item of that filter.
        raw = request.POST["queue"]
        following = _next_in_queue(request.user, raw, after=evidence)
        return redirect(_in_queue(following, _queue_query(raw)) if following else _queue_url(raw))
    return redirect(evidence)


def _queue_query(raw):
    """The queue's filter as a query string we built ourselves (nothing but its own keys)."""
    data = QueryDict(raw[:2000])
    keys = [*ReviewQueueFilter.base_filters, "page"]
    return urlencode([(k, v[:100]) for k in keys for v in data.getlist(k)[:1]])


def _in_queue(evidence, query):
    """An evidence page opened from the queue with this filter (下一条 and the decision keep it)."""
    return f"{evidence.get_absolute_url()}?{urlencode({'queue': query})}"


def _queue_url(raw):
    query = _queue_query(raw)
    return reverse("evidence:queue") + (f"?{query}" if query else "")


def _queue_base(user):
    """What the queue lists: the current campaign's visible evidence (the dashboard's tiles and
    the submission check count that campaign's, and link here: issue 21, a number equals its list)."""
    base = permissions.restrict(user, permissions.REVIEW_UNIT_WORK, Evidence.objects.visible())
    campaign = campaign_current(user)
    return base.filter(campaign=campaign) if campaign is not None else base


def _queue_items(user, raw):
    base = _queue_base(user)
    # The filter's unit choices are read from the request's user (permissions.unit_choices).
    as_request = SimpleNamespace(user=user)
    return ReviewQueueFilter(QueryDict(_queue_query(raw)), queryset=base, request=as_request).qs.order_by(
        "created_at", "pk"
    )


def _next_in_queue(user, raw, after):
    """The item after `after` in the filtered queue (oldest first), still waiting; None at the end."""
    later = Q(created_at__gt=after.created_at) | Q(created_at=after.created_at, pk__gt=after.pk)
    return _queue_items(user, raw).filter(later).first()


@login_required
@require_POST
def link(request, pk):
    evidence = _evidence(request.user, pk, permissions.CONTRIBUTE_UNIT_WORK)
    form = LinkIndicatorsForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_errors(form))
        codes = [
            c.strip() for c in form.cleaned_data["codes"].replace("，", ",").replace("、", ",").split(",") if c.strip()
        ]
        found = list(
            Indicator.objects.filter(framework_id=evidence.assignment.campaign.framework_id, level=3, code__in=codes)
        )
        unknown = sorted(set(codes) - {i.code for i in found})
        if unknown:
            raise ValidationError(_("No level-3 indicator %(codes)s in this campaign.") % {"codes": "、".join(unknown)})
        evidence_link_indicators(evidence=evidence, indicators=found, by=request.user)
        messages.success(request, _("Saved."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(evidence)


def _revision(user, pk):
    revision = permissions.require(
        user, EvidenceRevision.objects.select_related("evidence__assignment__unit"), permissions.VIEW_UNIT_WORK, pk=pk
    )
    if revision.evidence.is_hidden and not permissions.can(user, permissions.REVIEW_UNIT_WORK, revision):
        raise Http404
    if not revision.file:
        raise Http404
    return revision


@login_required
@require_GET
def download(request, pk):
    """The file as uploaded, under its original (Chinese) name, always as an attachment."""
    revision = _revision(request.user, pk)
    audit_record(
        actor=request.user,
        verb="downloaded",
        obj=revision.evidence,
        unit=revision.evidence.assignment.unit,
        after={"revision": revision.number},
        request=request,
    )
    return file_response(
        revision.file, revision.original_name, content_type=revision.content_type or "application/octet-stream"
    )


@login_required
@require_GET
def preview(request, pk):
    """Images and PDFs inline (after sniffing at upload); anything else downloads."""
    revision = _revision(request.user, pk)
    # A revision never changes (a replacement is a new revision): its SHA-256 is its ETag.
    return immutable_file_response(
        request,
        revision.file,
        revision.original_name,
        etag=revision.sha256,
        modified=revision.uploaded_at,
        content_type=revision.content_type or "application/octet-stream",
        attachment=not revision.inline_ok,
    )


@login_required
@require_GET
def thumbnail(request, pk):
    revision = _revision(request.user, pk)
    if not revision.thumbnail:
        raise Http404
    # Made once from the revision, never again: its own name (a random one) is its ETag.
    return immutable_file_response(
        request,
        revision.thumbnail,
        "thumbnail.jpg",
        etag=f"t-{revision.sha256[:16]}-{revision.thumbnail.name.rsplit('/', 1)[-1]}",
        modified=revision.uploaded_at,
        content_type="image/jpeg",
        attachment=False,
    )


@login_required
@require_GET
def queue(request):
    """The office's review queue: visible evidence waiting for review, oldest first."""
    permissions.require_global(request.user, permissions.REVIEW_UNIT_WORK)
    base = _queue_base(request.user).select_related("assignment__unit", "assignment__indicator", "current_revision")
    filtered = ReviewQueueFilter(request.GET, queryset=base, request=request)
    page = Paginator(filtered.qs.order_by("created_at"), 30).get_page(request.GET.get("page"))
    return render(request, "evidence/queue.html", {"filter": filtered, "page": page})


BULK_MAX = 200  # a screenful or a few of the queue


@login_required
@require_POST
def bulk_accept(request):
    """Accept the items ticked in the queue: first a page that lists them to confirm, then all at once."""
    permissions.require_global(request.user, permissions.REVIEW_UNIT_WORK)
    ids = [pk for pk in request.POST.getlist("ids")[:BULK_MAX] if is_uuid(pk)]
    items = list(
        permissions.restrict(request.user, permissions.REVIEW_UNIT_WORK, Evidence.objects.visible())
        .filter(pk__in=ids, review_status=Evidence.Review.PENDING)
        .select_related("assignment__unit", "assignment__indicator")
        .order_by("created_at", "pk")
    )
    queue = request.POST.get("queue", "")
    if not items:
        messages.error(request, _("Tick the items to accept first."))
        return redirect(_queue_url(queue))
    if request.POST.get("confirm") != "1":
        return render(
            request,
            "evidence/bulk_confirm.html",
            {"items": items, "queue": _queue_query(queue), "queue_url": _queue_url(queue)},
        )
    try:
        n = evidence_accept_many(evidences=items, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)s item(s) accepted.") % {"n": n})
    return redirect(_queue_url(queue))
