"""Read-only queries about campaigns."""

from django.http import Http404

from org import permissions
from org.models import Unit

from .models import Campaign, SingleItemNarrative

TERMINAL_STAGES = (Campaign.Stage.NAMED, Campaign.Stage.NOT_NAMED)

# The session key that remembers the campaign a person chose in the header's switcher.
SESSION_KEY = "campaign_id"


def campaign_open_for(user):
    """The open campaigns of the user's county (a comprehensive and a single-item one may run
    at once), newest first: the header's switcher offers them."""
    campaigns = permissions.restrict(user, permissions.VIEW_CAMPAIGN, Campaign).exclude(stage__in=TERMINAL_STAGES)
    if not user.is_superuser:
        # Its own county's campaigns: the regions of the units the user holds a role in.
        campaigns = campaigns.filter(region__in=Unit.objects.filter(memberships__user=user).values("region"))
    return campaigns.select_related("framework").order_by("-created_at")


def campaign_current(user=None):
    """The campaign people are working on: the one the user chose in the header's switcher
    (remembered in the session, CampaignChoiceMiddleware puts it on the user) while it is
    still open and theirs, else the newest one not yet concluded."""
    chosen = getattr(user, "chosen_campaign_id", None)
    if chosen:
        campaign = campaign_open_for(user).filter(pk=chosen).first()
        if campaign is not None:
            return campaign
    return (
        Campaign.objects.exclude(stage__in=TERMINAL_STAGES).select_related("framework").order_by("-created_at").first()
        or Campaign.objects.select_related("framework").order_by("-created_at").first()
    )


def campaign_current_or_404(user=None):
    """The current campaign for pages that need its indicator framework."""
    campaign = campaign_current(user)
    if campaign is None or campaign.framework_id is None:
        raise Http404
    return campaign


def single_item_narrative_of(campaign):
    """A single-item campaign's 申报 narrative, or a blank one not yet saved (a GET writes nothing)."""
    return SingleItemNarrative.objects.filter(campaign=campaign).first() or SingleItemNarrative(campaign=campaign)
