"""Campaigns: the list, one campaign's details and stage timeline, creating and editing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from org import permissions

from .forms import CampaignForm, StageForm
from .models import Campaign
from .services import campaign_create, campaign_move_stage, campaign_update, stage_moves_for, stage_moves_from


@login_required
@require_GET
def campaign_list(request):
    permissions.require_member(request.user)
    campaigns = permissions.restrict(
        request.user, permissions.VIEW_CAMPAIGN, Campaign.objects.select_related("framework")
    ).order_by("-created_at")
    can_create = permissions.can(request.user, permissions.ADD_CAMPAIGN)
    return render(request, "campaign/list.html", {"campaigns": campaigns, "can_create": can_create})


@login_required
@require_GET
def campaign_detail(request, pk):
    """A campaign's details and its stage timeline, with the moves the user may make."""
    permissions.require_member(request.user)
    campaign = permissions.require(
        request.user,
        Campaign.objects.select_related("framework"),
        permissions.VIEW_CAMPAIGN,
        view_perm=permissions.VIEW_CAMPAIGN,
        pk=pk,
    )
    moves = stage_moves_for(campaign, request.user)
    context = {
        "campaign": campaign,
        "events": campaign.stage_events.select_related("by"),
        "stage_form": StageForm(moves=moves, initial={"effective_on": timezone.localdate()}) if moves else None,
        "can_edit": permissions.can(request.user, permissions.MANAGE_CAMPAIGN),
        "stages": Campaign.Stage.choices,
    }
    return render(request, "campaign/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk=None):
    """Create (pk None) or edit a campaign: office admins."""
    permissions.require_global(request.user, permissions.MANAGE_CAMPAIGN)
    campaign = (
        permissions.require(
            request.user, Campaign, permissions.MANAGE_CAMPAIGN, view_perm=permissions.VIEW_CAMPAIGN, pk=pk
        )
        if pk
        else None
    )
    form = CampaignForm(request.POST or None, instance=campaign, user=request.user)
    if request.method == "POST" and form.is_valid():
        values = {f: form.cleaned_data[f] for f in form.Meta.fields}
        try:
            if campaign is None:
                campaign = campaign_create(by=request.user, **values)
            else:
                campaign_update(campaign=campaign, by=request.user, **values)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The campaign was saved."))
            return redirect(campaign)
    return render(request, "campaign/edit.html", {"form": form, "campaign": campaign})


@login_required
@require_POST
def campaign_stage(request, pk):
    permissions.require_member(request.user)
    campaign = permissions.require(
        request.user, Campaign, permissions.VIEW_CAMPAIGN, view_perm=permissions.VIEW_CAMPAIGN, pk=pk
    )
    # Every move the table allows from here: the service answers 403 to a user who may not make it.
    form = StageForm(request.POST, moves=stage_moves_from(campaign))
    if not form.is_valid():
        messages.error(request, _("This stage change is not possible."))
        return redirect(campaign)
    try:
        campaign_move_stage(
            campaign=campaign,
            to_stage=form.cleaned_data["to_stage"],
            by=request.user,
            effective_on=form.cleaned_data["effective_on"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Stage: %(stage)s") % {"stage": campaign.get_stage_display()})
    return redirect(campaign)
