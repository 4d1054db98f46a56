"""Read-only queries about campaigns."""

from django.http import Http404

from org import permissions

from .models import Campaign

TERMINAL_STAGES = (Campaign.Stage.NAMED, Campaign.Stage.NOT_NAMED)


def campaign_current(user):
    """The campaign `user` is working on: the newest one of their county not yet concluded (or
    the newest concluded one). One county's deployment: the newest campaign, as before."""
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
