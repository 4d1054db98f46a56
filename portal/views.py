"""The front door: each role's start page."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from assignments import selectors as assignment_selectors
from campaign.selectors import campaign_current
from org.models import Membership
from org.selectors import OFFICE_ROLES, UNIT_ROLES, membership_roles, membership_units
from reports.selectors import submission_list_for

# The unit's groups in the order the page shows them: (key, heading, tone, anchor).
TASK_GROUPS = (
    ("sign_off", _("Awaiting my sign-off"), "warning", "group-sign-off"),
    ("returned", _("Returned by the office"), "danger", ""),
    ("overdue", _("Overdue"), "danger", ""),
    ("due_soon", _("Due within 14 days"), "warning", ""),
    ("later", _("Later"), "secondary", ""),
    ("ongoing", _("Ongoing"), "info", ""),
    ("submitted", _("Tasks waiting for review"), "secondary", "group-submitted"),
    ("accepted", _("Accepted"), "success", ""),
)
GROUP_SHOWN = 10  # tasks of each group on the home page; the rest on that group's own pages
GROUP_PAGE = 30


def _task_groups(request, context):
    """The home page's groups, each cut to its first tasks with a link to the rest; or, with
    ?group=KEY, that one group paged (the other groups' filters do not exist: nothing else to keep)."""
    items = {**context["groups"], "sign_off": context.get("to_sign", [])}
    shown = [
        {
            "key": key,
            "heading": heading,
            "tone": tone,
            "anchor": anchor,
            "items": items[key][:GROUP_SHOWN],
            "total": len(items[key]),
        }
        for key, heading, tone, anchor in TASK_GROUPS
        if items[key]
    ]
    group = request.GET.get("group")
    for g in shown:
        if g["key"] == group:
            context["page"] = page = Paginator(items[group], GROUP_PAGE).get_page(request.GET.get("page"))
            context["group"] = {**g, "items": page}
    context["task_groups"] = shown


@login_required
@require_GET
def home(request):
    """Each role's start page: office overview, a unit's tasks, the city's inbox, or IT's."""
    roles = membership_roles(request.user)
    campaign = campaign_current(request.user)
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
            _task_groups(request, context)
        context["units"] = units
        return render(request, "portal/home_unit.html", context)
    if Membership.Role.CITY_REVIEWER in roles:
        context["submissions"] = submission_list_for(request.user).order_by("-created_at")
        return render(request, "portal/home_city.html", context)
    return render(request, "portal/home_other.html", context)
