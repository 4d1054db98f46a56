"""Read-only queries about campaigns."""

from django.http import Http404

from org import permissions
from org.selectors import OFFICE_ROLES, UNIT_ROLES, role_regions

from .models import Campaign, SingleItemNarrative

TERMINAL_STAGES = (Campaign.Stage.NAMED, Campaign.Stage.NOT_NAMED)

# The session key that remembers the campaign a person chose in the header's switcher.
SESSION_KEY = "campaign_id"


def campaign_open_for(user):
    """The open campaigns of the county the user works in (a comprehensive and a single-item one
    may run at once), newest first: the header's switcher offers them. A city's reviewer follows
    its counties' campaigns but works in none of them: none here."""
    campaigns = permissions.restrict(user, permissions.VIEW_CAMPAIGN, Campaign).exclude(stage__in=TERMINAL_STAGES)
    if not user.is_superuser:
        campaigns = campaigns.filter(region__in=role_regions(user, (*OFFICE_ROLES, *UNIT_ROLES)))
    return campaigns.select_related("framework").order_by("-created_at")


def campaign_current(user):
    """The campaign `user` is working on: the one chosen in the header's switcher (kept in the
    session; CampaignChoiceMiddleware puts it on the user) while it is open and of their county,
    else the newest one of their county not yet concluded (or the newest concluded one). One
    county's deployment: the newest campaign, as before."""
    chosen = getattr(user, "chosen_campaign_id", None)
    if chosen:
        campaign = campaign_open_for(user).filter(pk=chosen).first()
        if campaign is not None:
            return campaign
    campaigns = permissions.restrict(user, permissions.VIEW_CAMPAIGN, Campaign).select_related("framework")
    return (
        campaigns.exclude(stage__in=TERMINAL_STAGES).order_by("-created_at").first()
        or campaigns.order_by("-created_at").first()
    )


def campaign_current_or_404(user):
    """The current campaign for pages that need its indicator framework."""
    campaign = campaign_current(user)
    if campaign is None or campaign.framework_id is None:
        raise Http404
    return campaign


def single_item_narrative_of(campaign):
    """A single-item campaign's 申报 narrative, or a blank one not yet saved (a GET writes nothing)."""
    return SingleItemNarrative.objects.filter(campaign=campaign).first() or SingleItemNarrative(campaign=campaign)
