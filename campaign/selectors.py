"""Read-only queries about campaigns."""

from django.http import Http404

from .models import Campaign

TERMINAL_STAGES = (Campaign.Stage.NAMED, Campaign.Stage.NOT_NAMED)


def campaign_current():
    """The campaign people are working on: the newest one not yet concluded."""
    return (
        Campaign.objects.exclude(stage__in=TERMINAL_STAGES).select_related("framework").order_by("-created_at").first()
        or Campaign.objects.select_related("framework").order_by("-created_at").first()
    )


def campaign_current_or_404():
    """The current campaign for pages that need its indicator framework."""
    campaign = campaign_current()
    if campaign is None or campaign.framework_id is None:
        raise Http404
    return campaign
