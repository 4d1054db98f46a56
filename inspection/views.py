"""迎检: publicity (宣传), the satisfaction pre-survey and the field-check checklist."""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaign.models import Campaign
from campaign.selectors import campaign_current_or_404
from campaign.services import stage_moves_for
from core.downloads import file_response
from core.ids import is_uuid
from core.tables import ImportRejected, TableError
from core.uploads import stash_confirm, stash_upload, upload_refusal
from org import permissions
from org.models import Unit

from .forms import (
    AssessorRequestForm,
    FieldCheckItemForm,
    FieldCheckStatusForm,
    OutcomeForm,
    PublicityActionForm,
    PublicityEvidenceForm,
    PublicityTargetForm,
    RequestAnswerForm,
    RequestSplitForm,
    SurveyPoolForm,
    SurveyUploadForm,
)
from .models import (
    AssessorRequest,
    FieldCheckItem,
    FieldCheckPhoto,
    OutcomeDocument,
    PublicityAction,
    RequestPart,
    SurveyRound,
)
from .selectors import (
    REQUEST_PART_FILTERS,
    fieldcheck_items,
    fieldcheck_manual_photos,
    fieldcheck_readiness,
    publicity_actions,
    publicity_progress,
    readiness_dashboard,
    request_list,
    request_parts,
    survey_results,
    task_indicators,
)
from .services import (
    OUTCOME_STAGES,
    fieldcheck_add,
    fieldcheck_update,
    outcome_record,
    publicity_log,
    publicity_target_set,
    publicity_to_evidence,
    publicity_update,
    request_add,
    request_answer,
    request_split,
    survey_import,
    survey_weak_point_to_pool,
)
from .survey import survey_parse

ACTION_FIELDS = ["platform", "happened_on", "title", "url", "reads", "participants"]


def _contributing_units(user):
    """The departments and townships whose work the user may add to (a liaison's own unit)."""
    return permissions.restrict(
        user,
        permissions.CONTRIBUTE_UNIT_WORK,
        Unit.objects.filter(kind__in=[Unit.Kind.DEPARTMENT, Unit.Kind.TOWNSHIP], is_active=True),
    ).order_by("code")


@login_required
@require_GET
def publicity_list(request):
    """The office sees every unit's actions; a unit its own."""
    units = permissions.require_unit_scope(request.user)
    campaign = campaign_current_or_404(request.user)
    actions = publicity_actions(request.user, campaign)
    platform = request.GET.get("platform")
    if platform in PublicityAction.Platform.values:
        actions = actions.filter(platform=platform)
    unit = request.GET.get("unit", "")
    if unit and unit in {str(pk) for pk in units.values_list("pk", flat=True)}:
        actions = actions.filter(unit_id=unit)
    context = {
        "campaign": campaign,
        "actions": actions[:300],
        "platforms": PublicityAction.Platform.choices,
        "units": units.filter(kind__in=[Unit.Kind.DEPARTMENT, Unit.Kind.TOWNSHIP]),
        "can_log": _contributing_units(request.user).exists(),
        "progress": publicity_progress(request.user, campaign)[:12],
        "office": permissions.can(request.user, permissions.REVIEW_UNIT_WORK),
    }
    return render(request, "inspection/publicity_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def publicity_new(request):
    units = _contributing_units(request.user)
    if not units.exists():
        raise PermissionDenied
    campaign = campaign_current_or_404(request.user)
    form = PublicityActionForm(
        request.POST or None, request.FILES or None, units=units, indicators=task_indicators(campaign, units)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            publicity_log(
                campaign=campaign,
                unit=data["unit"],
                by=request.user,
                indicators=data["indicators"],
                photo=data["photo"],
                **{f: data[f] if data[f] is not None else _blank(f) for f in ACTION_FIELDS},
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError) else _("Not your unit."))
        else:
            messages.success(request, _("The publicity action was logged."))
            return redirect("inspection:publicity")
    return render(request, "inspection/publicity_form.html", {"form": form, "campaign": campaign})


def _blank(field):
    return None if field in ("reads", "participants") else ""


@login_required
@require_http_methods(["GET", "POST"])
def publicity_edit(request, pk):
    """The action's page: its unit edits it and turns its link into evidence; the office reads it."""
    campaign = campaign_current_or_404(request.user)
    action = permissions.require(
        request.user, PublicityAction.objects.filter(campaign=campaign).select_related("unit", "evidence"), pk=pk
    )
    can_edit = permissions.can(request.user, permissions.CONTRIBUTE_UNIT_WORK, action)
    if request.method == "POST":
        permissions.require_perm(request.user, permissions.CONTRIBUTE_UNIT_WORK, action)
    indicators = task_indicators(campaign, [action.unit])
    initial = {f: getattr(action, f) for f in ACTION_FIELDS}
    initial.update(unit=action.unit_id, indicators=list(action.indicators.all()))
    form = PublicityActionForm(
        request.POST or None,
        request.FILES or None,
        units=Unit.objects.filter(pk=action.unit_id),
        indicators=indicators,
        has_photo=bool(action.photo),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            publicity_update(
                action=action,
                by=request.user,
                indicators=data["indicators"],
                photo=data["photo"],
                **{f: data[f] if data[f] is not None else _blank(f) for f in ACTION_FIELDS},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("inspection:publicity")
    context = {
        "action": action,
        "form": form,
        "can_edit": can_edit,
        "evidence_form": PublicityEvidenceForm(
            indicators=indicators, initial={"indicator": action.indicators.filter(pk__in=indicators).first()}
        ),
        "campaign": campaign,
    }
    return render(request, "inspection/publicity_form.html", context)


@login_required
@require_POST
def publicity_evidence(request, pk):
    """One action: the logged news link becomes the unit's evidence for the chosen indicator."""
    action = permissions.require(
        request.user, PublicityAction.objects.select_related("unit"), permissions.CONTRIBUTE_UNIT_WORK, pk=pk
    )
    form = PublicityEvidenceForm(request.POST, indicators=task_indicators(action.campaign_id, [action.unit]))
    if not form.is_valid():
        messages.error(request, _("Choose an indicator your unit has a task for."))
        return redirect(action)
    try:
        evidence = publicity_to_evidence(action=action, indicator=form.cleaned_data["indicator"], by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(action)
    messages.success(
        request, _("The link is now evidence of indicator %(code)s.") % {"code": evidence.assignment.indicator.code}
    )
    return redirect(evidence.assignment)


@login_required
@require_GET
def publicity_photo(request, pk):
    action = permissions.require(request.user, PublicityAction.objects.exclude(photo=""), pk=pk)
    return file_response(action.photo, action.photo.name.rsplit("/", 1)[-1], attachment=False)


@login_required
@require_http_methods(["GET", "POST"])
def publicity_targets(request):
    """Targets per unit, month and platform with the actions logged against them. The office
    sets them; a unit sees its own."""
    units = permissions.require_unit_scope(request.user)
    campaign = campaign_current_or_404(request.user)
    can_set = permissions.can(request.user, permissions.MANAGE_ASSIGNMENTS)
    if request.method == "POST":
        permissions.require_global(request.user, permissions.MANAGE_ASSIGNMENTS)
    units = units.filter(kind__in=[Unit.Kind.DEPARTMENT, Unit.Kind.TOWNSHIP]).order_by("code")
    form = PublicityTargetForm(request.POST or None, units=units) if can_set else None
    if request.method == "POST" and form.is_valid():
        publicity_target_set(campaign=campaign, by=request.user, **form.cleaned_data)
        messages.success(request, _("The target was saved."))
        return redirect("inspection:publicity_targets")
    progress = publicity_progress(request.user, campaign)
    if request.GET.get("met") == "1":  # the readiness dashboard's "targets met" opens this list
        progress = [p for p in progress if p.met]
    context = {
        "campaign": campaign,
        "form": form,
        "progress": progress,
        "office": permissions.can(request.user, permissions.REVIEW_UNIT_WORK),
    }
    return render(request, "inspection/publicity_targets.html", context)


@login_required
@require_GET
def survey_list(request):
    """The office's pre-surveys, newest first."""
    permissions.require_global(request.user, permissions.REVIEW_UNIT_WORK)
    campaign = campaign_current_or_404(request.user)
    surveys = permissions.restrict(request.user, permissions.REVIEW_UNIT_WORK, SurveyRound).filter(campaign=campaign)
    return render(request, "inspection/survey_list.html", {"campaign": campaign, "surveys": surveys})


@login_required
@require_http_methods(["GET", "POST"])
def survey_import_view(request):
    """Step 1: upload the survey tool's export; the preview shows the questions and townships
    found, or every row-numbered error (then nothing can be confirmed)."""
    permissions.require_global(request.user, permissions.REVIEW_UNIT_WORK)
    campaign = campaign_current_or_404(request.user)
    form = SurveyUploadForm(request.POST or None, request.FILES or None, request=request)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            parsed = survey_parse(upload.read(), region=campaign.region_id)
        except TableError as exc:
            form.add_error("file", str(exc))
        else:
            upload.seek(0)
            title = form.cleaned_data["title"]
            token = (
                "" if parsed.errors else stash_upload(request, upload, "survey", campaign=str(campaign.pk), title=title)
            )
            context = {"campaign": campaign, "parsed": parsed, "token": token, "title": title}
            return render(request, "inspection/survey_preview.html", context)
    return render(request, "inspection/survey_import.html", {"form": form, "campaign": campaign})


@login_required
@require_POST
def survey_import_confirm(request):
    """Step 2: import exactly the previewed file, all or nothing."""
    permissions.require_global(request.user, permissions.REVIEW_UNIT_WORK)

    def apply(data, name, params):
        campaign = permissions.require(
            request.user,
            Campaign,
            permissions.REVIEW_UNIT_WORK,
            view_perm=permissions.VIEW_CAMPAIGN,
            pk=params["campaign"],
        )
        parsed = survey_parse(data, region=campaign.region_id)
        if parsed.errors:
            raise ImportRejected(parsed.errors)
        survey = survey_import(
            campaign=campaign,
            parsed=parsed,
            by=request.user,
            title=params["title"],
            source_name=name,
            sha256=hashlib.sha256(data).hexdigest(),
        )
        messages.success(request, _("The pre-survey was imported: %(n)s responses.") % {"n": survey.response_count})
        return redirect(survey)

    return stash_confirm(
        request, "survey", retry="inspection:survey_import", apply=apply, refusals=(TableError, ImportRejected)
    )


@login_required
@require_GET
def survey_detail(request, pk):
    """Satisfaction and awareness per question and per township, with their charts."""
    survey = permissions.require(
        request.user, SurveyRound, permissions.REVIEW_UNIT_WORK, view_perm=permissions.REVIEW_UNIT_WORK, pk=pk
    )
    return render(
        request,
        "inspection/survey_detail.html",
        {"survey": survey, "pool_form": SurveyPoolForm(campaign=survey.campaign), **survey_results(survey)},
    )


@login_required
@require_POST
def survey_pool(request, pk):
    """Turn one weak point (a question in a township) into a problem-pool item the township owns."""
    survey = permissions.require(
        request.user, SurveyRound, permissions.REVIEW_UNIT_WORK, view_perm=permissions.REVIEW_UNIT_WORK, pk=pk
    )
    form = SurveyPoolForm(request.POST, campaign=survey.campaign)
    ids = [request.POST.get(k, "") for k in ("question", "township")]
    ids = [v if is_uuid(v) else None for v in ids]
    question = survey.questions.filter(pk=ids[0]).first() if ids[0] else None
    township = (
        permissions.restrict(
            request.user, permissions.REVIEW_UNIT_WORK, Unit.objects.filter(kind=Unit.Kind.TOWNSHIP, pk=ids[1])
        ).first()
        if ids[1]
        else None
    )
    try:
        if question is None or township is None:
            raise ValidationError(_("This question is not a weak point in that township."))
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        item = survey_weak_point_to_pool(
            survey=survey, question=question, township=township, by=request.user, **form.cleaned_data
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(survey)
    messages.success(request, _("The weak point is in the problem pool."))
    return redirect(item)


def _fieldcheck_context(request, campaign):
    items = fieldcheck_items(request.user, campaign)
    status = request.GET.get("status")
    listed = items.filter(status=status) if status in FieldCheckItem.Status.values else items
    return {
        "campaign": campaign,
        "items": listed[:500],
        "places": sorted(set(items.values_list("place", flat=True))),
        **fieldcheck_readiness(items),
    }


@login_required
@require_http_methods(["GET", "POST"])
def fieldcheck(request):
    """The field-check checklist with readiness per indicator and per unit. The office adds
    items; a unit sees what it answers for."""
    units = permissions.require_unit_scope(request.user)
    campaign = campaign_current_or_404(request.user)
    can_add = permissions.can(request.user, permissions.MANAGE_ASSIGNMENTS)
    if request.method == "POST":
        permissions.require_global(request.user, permissions.MANAGE_ASSIGNMENTS)
    form = None
    if can_add:
        form = FieldCheckItemForm(
            request.POST or None,
            indicators=campaign.framework.indicators.filter(level=3).order_by("code"),
            units=units.filter(kind__in=[Unit.Kind.DEPARTMENT, Unit.Kind.TOWNSHIP]).order_by("code"),
        )
    if request.method == "POST" and form.is_valid():
        try:
            fieldcheck_add(campaign=campaign, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The item was added to the checklist."))
            return redirect("inspection:fieldcheck")
    context = {**_fieldcheck_context(request, campaign), "form": form, "office": can_add}
    return render(request, "inspection/fieldcheck.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def fieldcheck_item(request, pk):
    """One item: its unit (or the office) marks it ready or not and adds photos."""
    item = permissions.require(request.user, FieldCheckItem.objects.select_related("indicator", "unit"), pk=pk)
    can_edit = permissions.can(request.user, (permissions.CONTRIBUTE_UNIT_WORK, permissions.MANAGE_ASSIGNMENTS), item)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = FieldCheckStatusForm(
        request.POST or None, request.FILES or None, initial={"status": item.status, "note": item.note}
    )
    if request.method == "POST" and form.is_valid():
        fieldcheck_update(item=item, by=request.user, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect(item)
    return render(
        request,
        "inspection/fieldcheck_item.html",
        {"item": item, "form": form, "can_edit": can_edit, "photos": item.photos.all()},
    )


@login_required
@require_GET
def fieldcheck_photo(request, pk):
    photo = permissions.require(request.user, FieldCheckPhoto.objects.select_related("item__unit"), pk=pk)
    return file_response(photo.image, str(photo), attachment=False)


@login_required
@require_GET
def fieldcheck_manual(request):
    """The 迎检 handbook of one site (?place=): A4 HTML to print, or ?format=pdf through
    WeasyPrint as the reports are."""
    permissions.require_global(request.user, permissions.REVIEW_UNIT_WORK)
    campaign = campaign_current_or_404(request.user)
    place = request.GET.get("place", "")[:200]
    items = fieldcheck_items(request.user, campaign).filter(place=place).prefetch_related("photos")
    if not place or not items.exists():
        raise Http404
    context = {
        "campaign": campaign,
        "place": place,
        "items": items,
        "photos": fieldcheck_manual_photos(items),
        "today": timezone.localdate(),
    }
    html = render_to_string("inspection/fieldcheck_manual.html", context, request=request)
    if request.GET.get("format") != "pdf":
        return HttpResponse(html)
    from weasyprint import HTML  # loaded on demand: a heavy import most requests never need

    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"迎检手册-{place[:60]}.pdf")
    return response


# --- the assessors' requests (第三方评估补充材料) -----------------------------------------------


def _form_errors(form):
    return [e for errors in form.errors.values() for e in errors]


@login_required
@require_GET
def requests_list(request):
    """The office: every request with its shares answered and late. A unit: its own shares."""
    permissions.require_member(request.user)
    campaign = campaign_current_or_404(request.user)
    today = timezone.localdate()
    shown = request.GET.get("parts", "")
    if permissions.can(request.user, permissions.REVIEW_UNIT_WORK) and shown not in REQUEST_PART_FILTERS:
        return render(
            request,
            "inspection/request_list.html",
            {"campaign": campaign, "requests": request_list(campaign, today), "today": today},
        )
    permissions.require_unit_scope(request.user)
    parts = request_parts(request.user, campaign, shown=shown, today=today).order_by("answered_at", "deadline")
    return render(request, "inspection/request_parts.html", {"campaign": campaign, "parts": parts, "today": today})


@login_required
@require_GET
def dashboard(request):
    """The readiness dashboard (迎检): publicity against targets, the problem pool, the assessors'
    requests, the pre-survey, the field-check checklist — every number a link to its list."""
    permissions.require_global(request.user, permissions.REVIEW_UNIT_WORK)
    campaign = campaign_current_or_404(request.user)
    return render(
        request,
        "inspection/dashboard.html",
        {"campaign": campaign, "sections": readiness_dashboard(request.user, campaign, timezone.localdate())},
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request):
    """The office records an assessors' request: what, by when, for which indicators."""
    permissions.require_global(request.user, permissions.REVIEW_UNIT_WORK)
    campaign = campaign_current_or_404(request.user)
    form = AssessorRequestForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            item = request_add(campaign=campaign, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The request was recorded: now split it among units."))
            return redirect(item)
    return render(request, "inspection/request_form.html", {"campaign": campaign, "form": form})


@login_required
@require_GET
def request_detail(request, pk):
    """One request: its units' shares, deadlines, answers (late ones marked), the split form."""
    item = permissions.require(
        request.user, AssessorRequest, permissions.REVIEW_UNIT_WORK, view_perm=permissions.REVIEW_UNIT_WORK, pk=pk
    )
    parts = (
        item.parts.select_related("unit", "answered_by").prefetch_related("evidence").order_by("deadline", "unit__code")
    )
    return render(
        request,
        "inspection/request_detail.html",
        {
            "item": item,
            "parts": parts,
            "indicators": item.indicators.order_by("code"),
            "form": RequestSplitForm(campaign=item.campaign),
        },
    )


@login_required
@require_POST
def request_split_view(request, pk):
    item = permissions.require(
        request.user, AssessorRequest, permissions.REVIEW_UNIT_WORK, view_perm=permissions.REVIEW_UNIT_WORK, pk=pk
    )
    form = RequestSplitForm(request.POST, campaign=item.campaign)
    try:
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        request_split(request=item, by=request.user, **form.cleaned_data)
        messages.success(request, _("The unit has its share of the request."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(item)


@login_required
@require_GET
def request_part(request, pk):
    """A unit's share of a request: what is asked, by when, its answer; the unit's liaison answers here."""
    part = permissions.require(
        request.user,
        RequestPart.objects.select_related("request", "unit", "answered_by"),
        permissions.VIEW_UNIT_WORK,
        pk=pk,
    )
    can_answer = permissions.can(request.user, permissions.CONTRIBUTE_UNIT_WORK, part)
    return render(
        request,
        "inspection/request_part.html",
        {
            "part": part,
            "evidence": part.evidence.select_related("assignment__indicator").order_by("created_at"),
            "form": RequestAnswerForm(part=part) if can_answer else None,
        },
    )


@login_required
@require_POST
def request_answer_view(request, pk):
    part = permissions.require(
        request.user, RequestPart.objects.select_related("request", "unit"), permissions.CONTRIBUTE_UNIT_WORK, pk=pk
    )
    form = RequestAnswerForm(request.POST, request.FILES, part=part)
    try:
        if refusal := upload_refusal(request):
            raise ValidationError(refusal)
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        part = request_answer(
            part=part,
            by=request.user,
            note=form.cleaned_data["note"],
            evidence=form.cleaned_data["evidence"],
            assignment=form.cleaned_data["task"],
            upload=form.cleaned_data["file"],
            kind=form.cleaned_data["kind"] or None,
        )
        if part.is_late:
            messages.warning(request, _("The answer was taken, after the deadline: it is shown late."))
        else:
            messages.success(request, _("The answer was taken: the county office reviews the evidence."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(part)


@login_required
@require_http_methods(["GET", "POST"])
def outcome(request):
    """After 迎检: 公示 and the result (命名 / 未命名), each recorded as the campaign's stage move with
    its document; the office sees them all, an office admin records them."""
    permissions.require_global(request.user, permissions.REVIEW_UNIT_WORK)
    campaign = campaign_current_or_404(request.user)
    moves = [m for m in stage_moves_for(campaign, request.user) if m in OUTCOME_STAGES]
    form = (
        OutcomeForm(
            request.POST or None, request.FILES or None, moves=moves, initial={"effective_on": timezone.localdate()}
        )
        if moves
        else None
    )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                outcome_record(
                    campaign=campaign,
                    to_stage=data["to_stage"],
                    by=request.user,
                    title=data["title"],
                    upload=data["document"],
                    effective_on=data["effective_on"],
                    note=data["note"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Recorded, with its document."))
                return redirect("inspection:outcome")
    documents = permissions.restrict(
        request.user, permissions.REVIEW_UNIT_WORK, OutcomeDocument.objects.select_related("event", "uploaded_by")
    ).filter(campaign=campaign)
    return render(
        request,
        "inspection/outcome.html",
        {"campaign": campaign, "form": form, "documents": documents, "stage": campaign.get_stage_display()},
    )


@login_required
@require_GET
def outcome_document(request, pk):
    document = permissions.require(
        request.user, OutcomeDocument, permissions.REVIEW_UNIT_WORK, view_perm=permissions.REVIEW_UNIT_WORK, pk=pk
    )
    return file_response(document.file, document.file_name, content_type=document.content_type)
