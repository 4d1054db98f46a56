"""The front door: each role's start page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from assignments import selectors as assignment_selectors
from campaign.selectors import campaign_current
from org.models import Membership
from org.selectors import OFFICE_ROLES, UNIT_ROLES, membership_roles, membership_units
from reports.selectors import submission_list_for


@login_required
@require_GET
def home(request):
    """Each role's start page: office overview, a unit's tasks, the city's inbox, or IT's."""
    roles = membership_roles(request.user)
    campaign = campaign_current()
    today = timezone.localdate()
    context = {"campaign": campaign, "today": today, "roles": roles}
    if roles & set(OFFICE_ROLES):
        if campaign:
            context.update(assignment_selectors.office_home_figures(campaign=campaign, today=today))
        return render(request, "portal/home_office.html", context)
    if roles & set(UNIT_ROLES):
        units = list(membership_units(request.user, UNIT_ROLES))
        if campaign:
            shares = assignment_selectors.assignment_list_for_user(user=request.user, campaign=campaign, units=units)
            context["groups"] = assignment_selectors.assignment_group_by_deadline(shares, today)
            if Membership.Role.UNIT_LEADER in roles:
                # The leader's own work: what waits for their sign-off comes first, and its chip counts this list.
                context["to_sign"] = [a for a in context["groups"]["submitted"] if a.signed_off_at is None]
                context["awaiting_sign_off"] = len(context["to_sign"])
        context["units"] = units
        return render(request, "portal/home_unit.html", context)
    if Membership.Role.CITY_REVIEWER in roles:
        context["submissions"] = submission_list_for(request.user).order_by("-created_at")
        return render(request, "portal/home_city.html", context)
    return render(request, "portal/home_other.html", context)
