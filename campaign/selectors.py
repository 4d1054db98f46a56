"""Read-only queries about units, memberships and campaigns."""

from .models import Campaign, Membership

TERMINAL_STAGES = (Campaign.Stage.NAMED, Campaign.Stage.NOT_NAMED)


def membership_roles(user):
    """The set of role codes the user holds in any unit, cached on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        cached = frozenset(Membership.objects.filter(user=user).values_list("role", flat=True))
        user._role_cache = cached
    return cached


def membership_units(user, roles):
    """The units where the user holds one of `roles`."""
    from .models import Unit

    return Unit.objects.filter(memberships__user=user, memberships__role__in=roles).distinct()


def campaign_current():
    """The campaign people are working on: the newest one not yet concluded."""
    return (
        Campaign.objects.exclude(stage__in=TERMINAL_STAGES).select_related("framework").order_by("-created_at").first()
        or Campaign.objects.select_related("framework").order_by("-created_at").first()
    )


def campaign_current_or_404():
    """The current campaign for pages that need its indicator framework."""
    from django.http import Http404

    campaign = campaign_current()
    if campaign is None or campaign.framework_id is None:
        raise Http404
    return campaign


def assessment_rows(*, campaign, result=None, status=None, level1=None, suggested=None, assessments=None):
    """The assessment list: every level-3 indicator with its assessment (or none) and the
    suggested result. Filters: result ("none" = not decided), status, level-1 id, suggestion.
    `assessments`: the campaign's, when the caller has them already."""
    from indicators import tables
    from indicators.models import Indicator

    from .assessments import assessment_suggestions
    from .models import Assessment

    indicators = Indicator.objects.filter(framework_id=campaign.framework_id, level=3).select_related("parent__parent")
    if level1:
        indicators = indicators.filter(parent__parent_id=level1) if _is_uuid(level1) else indicators.none()
    if assessments is None:
        assessments = Assessment.objects.filter(campaign=campaign)
    by_indicator = {a.indicator_id: a for a in assessments}
    suggestions = assessment_suggestions(campaign)
    rows = []
    for i in sorted(indicators, key=lambda i: tables.code_sort_key(i.code)):
        a = by_indicator.get(i.pk)
        row = {"indicator": i, "assessment": a, "result": a.result if a else "", "status": a.status if a else "todo",
               "suggestion": suggestions.get(i.pk, Assessment.Result.NOT_MET)}
        if result and (row["result"] or "none") != result:
            continue
        if status and row["status"] != status:
            continue
        if suggested and row["suggestion"] != suggested:
            continue
        rows.append(row)
    return rows


def _is_uuid(value):
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
