"""Read-only queries about assignments; every list is scoped by core.permissions."""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext, ngettext, pgettext

from core import tables
from core.figures_cache import cached_figures
from core.html import url_for_each
from indicators.models import Indicator
from org import permissions
from org.models import Unit

from .models import Assignment, AssignmentEvent

DUE_SOON_DAYS = 14


def assignment_list_for_user(*, user, campaign, units=None):
    """The campaign's shares the user may see (optionally only those of `units`),
    with what the task pages show, in deadline order."""
    qs = Assignment.objects.filter(campaign=campaign)
    if units is not None:
        qs = qs.filter(unit__in=units)
    qs = permissions.restrict(user, permissions.VIEW_UNIT_WORK, qs)
    # Only the columns the task cards show (code, title, unit): fewer rows joined and
    # values converted on a page of many tasks.
    return (
        qs.select_related("indicator", "unit")
        .only(
            "id",
            "campaign_id",
            "indicator_id",
            "unit_id",
            "role",
            "deadline",
            "ongoing",
            "status",
            "signed_off_at",
            "indicator__code",
            "indicator__title",
            "unit__code",
            "unit__name",
            "unit__short_name",
        )
        .order_by("ongoing", "deadline", "indicator__code", "unit__code")
    )


def assignment_bucket(assignment, today):
    """Which group a share falls in on the task pages: first by state, then by deadline."""
    if assignment.status == Assignment.Status.RETURNED:
        return "returned"
    if assignment.status == Assignment.Status.SUBMITTED:
        return "submitted"
    if assignment.status == Assignment.Status.ACCEPTED:
        return "accepted"
    if assignment.ongoing:
        return "ongoing"
    if assignment.deadline < today:
        return "overdue"
    if assignment.deadline <= today + datetime.timedelta(days=DUE_SOON_DAYS):
        return "due_soon"
    return "later"


def assignment_group_by_deadline(assignments, today):
    """Split shares into returned / overdue / due soon / later / ongoing / submitted / accepted,
    each annotated with days left, and a returned share with the office's latest comment."""

    groups = {
        "returned": [],
        "overdue": [],
        "due_soon": [],
        "later": [],
        "ongoing": [],
        "submitted": [],
        "accepted": [],
    }
    url = url_for_each("assignments:detail")
    for a in assignments:
        a.url = url(a.pk)
        a.days_left = a.days_left_on = None if a.ongoing or a.deadline is None else (a.deadline - today).days
        a.days_overdue = -a.days_left if a.days_left is not None and a.days_left < 0 and a.is_open else 0
        a.return_comment = ""
        groups[assignment_bucket(a, today)].append(a)
    if groups["returned"]:
        comments = {}
        for e in AssignmentEvent.objects.filter(assignment__in=groups["returned"], to_status="returned").order_by(
            "assignment_id", "-at"
        ):
            comments.setdefault(e.assignment_id, e.comment)
        for a in groups["returned"]:
            a.return_comment = comments.get(a.pk, "")
    return groups


def assignment_deadline_summary(*, campaign, today):
    """County-wide counts for the office home page, in one query."""
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    open_ = Q(status__in=Assignment.OPEN_STATUSES)
    return Assignment.objects.filter(campaign=campaign).aggregate(
        total=Count("id"),
        overdue=Count("id", filter=open_ & Q(ongoing=False, deadline__lt=today)),
        due_soon=Count("id", filter=open_ & Q(ongoing=False, deadline__gte=today, deadline__lte=soon)),
        submitted=Count("id", filter=Q(status=Assignment.Status.SUBMITTED)),
        accepted=Count("id", filter=Q(status=Assignment.Status.ACCEPTED)),
        escalated=Count("id", filter=open_ & Q(escalated_at__isnull=False)),
        ongoing=Count("id", filter=Q(ongoing=True)),
        indicators=Count("indicator", distinct=True),
        units=Count("unit", distinct=True),
    )


def office_home_figures(*, campaign, today):
    """The office home's summary and overdue ranking, cached like the dashboard's figures:
    under the campaign's version (bumped after every change to its shares, escalations
    included) and the day."""

    return cached_figures(
        "home-office",
        campaign.pk,
        today,
        lambda: {
            "summary": assignment_deadline_summary(campaign=campaign, today=today),
            "ranking": list(unit_overdue_ranking(campaign=campaign, today=today)),
        },
        24 * 3600,
    )


def unit_overdue_ranking(*, campaign, today, limit=10):
    """Units with the most overdue shares, worst first (the office home's short list)."""

    return (
        Unit.objects.filter(
            assignments__campaign=campaign,
            assignments__ongoing=False,
            assignments__deadline__lt=today,
            assignments__status__in=Assignment.OPEN_STATUSES,
        )
        .annotate(overdue=Count("assignments"))
        .order_by("-overdue", "code")[:limit]
    )


def assignment_rollup(assignment):
    """The lead's view of an indicator: every share of it, and whether the whole is complete
    (the lead's own part and every cooperating unit's part accepted)."""
    shares = sorted(
        Assignment.objects.filter(
            campaign_id=assignment.campaign_id, indicator_id=assignment.indicator_id
        ).select_related("unit"),
        key=lambda s: (s.role != Assignment.Role.LEAD, s.unit.code),  # the lead first
    )
    accepted = sum(1 for s in shares if s.status == Assignment.Status.ACCEPTED)
    return {
        "shares": shares,
        "accepted": accepted,
        "total": len(shares),
        "complete": bool(shares) and accepted == len(shares),
    }


# --- accountability -------------------------------------------------------------------------

RED_OVERDUE = 3  # a unit with this many overdue shares, or any escalated one, is red

# Overdue work of higher floors shown on the board beside the shares (assessment: the problem
# pool's overdue items). A source is called as source(campaign, today) and returns board items
# (plain dicts with unit_id, code, title, status, status_label, deadline, days_overdue, url).
_board_sources = []


def register_board_source(source):
    if source not in _board_sources:
        _board_sources.append(source)


def accountability_board(*, campaign, today, items_per_unit=None):
    """Units ranked by overdue, then returned shares, with their open items (the most overdue
    first; at most `items_per_unit` of each, the rest on the unit's task list) and a
    red/amber/green rating. Two queries on plain values: the counts per unit in the database,
    and the items cut per unit there too (a window), so the page does the same work whether a
    county has a thousand open shares or ten thousand."""

    status_labels = dict(Assignment.Status.choices)
    url = url_for_each("assignments:detail")
    not_accepted = Assignment.objects.filter(campaign=campaign).exclude(status=Assignment.Status.ACCEPTED)
    is_open = Q(status__in=Assignment.OPEN_STATUSES)
    overdue = is_open & Q(ongoing=False, deadline__lt=today)
    rows = {
        c["unit_id"]: {**c, "items": []}
        for c in not_accepted.order_by()
        .values("unit_id")
        .annotate(
            overdue=Count("pk", filter=overdue),
            returned=Count("pk", filter=Q(status=Assignment.Status.RETURNED)),
            escalated=Count("pk", filter=is_open & Q(escalated_at__isnull=False)),
            submitted=Count("pk", filter=Q(status=Assignment.Status.SUBMITTED)),
            open=Count("pk", filter=is_open),
        )
    }
    items = not_accepted.filter(is_open)
    if items_per_unit == 0:  # the counts alone (the notice form lists units, not their items)
        items = items.none()
    elif items_per_unit is not None:
        items = items.annotate(
            rank=Window(RowNumber(), partition_by=[F("unit_id")], order_by=[F("deadline").asc(), F("indicator__code")])
        ).filter(rank__lte=items_per_unit)
    for a in items.order_by("unit__code", "deadline", "indicator__code").values(
        "pk", "unit_id", "status", "deadline", "ongoing", "indicator__code", "indicator__title"
    ):
        late = not a["ongoing"] and a["deadline"] is not None and a["deadline"] < today
        rows[a["unit_id"]]["items"].append(
            {
                "code": a["indicator__code"],
                "title": a["indicator__title"],
                "status": a["status"],
                "status_label": status_labels[a["status"]],
                "deadline": a["deadline"],
                "days_overdue": (today - a["deadline"]).days if late else 0,
                "url": url(a["pk"]),
            }
        )
    empty = {"overdue": 0, "returned": 0, "escalated": 0, "submitted": 0, "open": 0}
    for source in _board_sources:
        for item in source(campaign, today):
            row = rows.setdefault(item["unit_id"], {"unit_id": item["unit_id"], **empty, "items": []})
            row["overdue"] += 1
            row["open"] += 1
            row["pool_overdue"] = row.get("pool_overdue", 0) + 1
            if items_per_unit is None or len(row["items"]) < items_per_unit:
                row["items"].append({k: v for k, v in item.items() if k != "unit_id"})
    for row in rows.values():
        del row["unit_id"]
    units = Unit.objects.in_bulk(list(rows))
    result = []
    for unit_id, row in rows.items():
        row["unit"] = units[unit_id]
        if row["escalated"] or row["overdue"] >= RED_OVERDUE:
            row["rating"] = "red"
        elif row["overdue"] or row["returned"]:
            row["rating"] = "amber"
        else:
            row["rating"] = "green"
        result.append(row)
    rank = {"red": 0, "amber": 1, "green": 2}
    result.sort(key=lambda r: (rank[r["rating"]], -r["overdue"], -r["returned"], r["unit"].code))
    return result


def _board_item(i):
    if i["days_overdue"]:
        return ngettext(
            "%(code)s (%(status)s, %(days)s day overdue)",
            "%(code)s (%(status)s, %(days)s days overdue)",
            i["days_overdue"],
        ) % {"code": i["code"], "status": i["status_label"], "days": i["days_overdue"]}
    return gettext("%(code)s (%(status)s)") % {"code": i["code"], "status": i["status_label"]}


def board_export_rows(board):
    rating = {"red": gettext("Red"), "amber": gettext("Amber"), "green": gettext("Green")}
    separator = pgettext("between list items", "; ")
    rows = []
    for r in board:
        items = separator.join(_board_item(i) for i in r["items"])
        rows.append(
            [r["unit"].code, r["unit"].name, rating[r["rating"]], r["overdue"], r["returned"], r["escalated"], items]
        )
    return rows


BOARD_HEADERS = ["unit_code", "unit", "rating", "overdue", "returned", "escalated", "open_items"]


# --- the indicator tree with the division of work ----------------------------------------


@dataclass(frozen=True)
class UnitName:
    """A unit as the tree shows it (its name, as Unit.__str__), read without its row."""

    name: str
    short_name: str

    def __str__(self):
        return self.short_name or self.name


@dataclass
class TreeNode:
    indicator: Indicator
    children: list = field(default_factory=list)
    lead: object = None
    cooperating: list = field(default_factory=list)
    cooperating_count: int = 0
    deadline: object = None
    ongoing: bool = False
    # The cooperating units' names are loaded (a search, or the level-2 indicator opened).
    cooperating_loaded: bool = False

    @property
    def level3_count(self):
        if self.indicator.level == 3:
            return 1
        return sum(child.level3_count for child in self.children)


def framework_tree(*, framework, campaign=None, query="", open_code=""):
    """The framework as nested TreeNodes in code order, with each level-3 node's
    division of work in `campaign`. A query keeps the level-3 nodes whose code,
    text or units match it, and their ancestors.

    Without a query the page stays the same size whatever the county: each level-3 node has
    its lead unit and the number of cooperating units, and only the level-2 indicator coded
    `open_code` has their names (at 100x data a county has 50 units on an indicator; every
    name of every indicator was 238 KB of HTML). At most five queries whatever the size."""
    indicators = sorted(framework.indicators.all(), key=lambda i: tables.code_sort_key(i.code))
    nodes = {i.pk: TreeNode(i) for i in indicators}
    if campaign is not None:
        shares = Assignment.objects.filter(campaign=campaign)
        if query:
            named = shares
        else:
            # The leads' names, not their rows: model instances of every share and unit were a
            # third of the tree's reading (10 ms for 150 indicators, 4 ms as values).
            leads = shares.filter(role=Assignment.Role.LEAD).values_list(
                "indicator_id", "deadline", "ongoing", "unit__name", "unit__short_name"
            )
            for indicator_id, deadline, ongoing, name, short_name in leads:
                if indicator_id in nodes:
                    node = nodes[indicator_id]
                    node.lead, node.deadline, node.ongoing = UnitName(name, short_name), deadline, ongoing
            counts = shares.filter(role=Assignment.Role.COOPERATING).values_list("indicator_id").annotate(n=Count("id"))
            for indicator_id, n in counts.order_by():
                if indicator_id in nodes:
                    nodes[indicator_id].cooperating_count = n
            opened = [
                i.pk
                for i in indicators
                if i.level == 3
                and open_code
                and nodes.get(i.parent_id) is not None
                and nodes[i.parent_id].indicator.code == open_code
            ]
            named = shares.filter(role=Assignment.Role.COOPERATING, indicator_id__in=opened) if opened else None
        if named is not None:
            for a in named.select_related("unit").order_by("unit__code"):
                node = nodes.get(a.indicator_id)
                if node is None:
                    continue
                node.cooperating_loaded = True
                if a.role == Assignment.Role.LEAD:
                    node.lead, node.deadline, node.ongoing = a.unit, a.deadline, a.ongoing
                else:
                    node.cooperating.append(a.unit)
                    if query:
                        node.cooperating_count += 1
    key = tables.norm_key(query)
    roots = []
    for i in indicators:
        node = nodes[i.pk]
        if i.level == 3 and key and not _matches(node, key):
            continue
        if i.parent_id is None:
            roots.append(node)
        elif i.parent_id in nodes:
            nodes[i.parent_id].children.append(node)
    if key:
        roots = [r for r in roots if r.level3_count]
        for r in roots:
            r.children = [c for c in r.children if c.level3_count]
    return roots


def _matches(node, key):
    haystack = [node.indicator.code, node.indicator.title]
    if node.lead is not None:
        haystack += [node.lead.name, node.lead.short_name]
    haystack += [u.name for u in node.cooperating] + [u.short_name for u in node.cooperating]
    return any(key in tables.norm_key(text) for text in haystack)


def shares_digest(shares):
    """A short digest of exactly which shares a bulk action applies to: the confirmation page
    carries it, and the action runs only on the same set (compare-and-set against a filter
    whose results changed meanwhile)."""
    return hashlib.sha256(",".join(sorted(str(a.pk) for a in shares)).encode()).hexdigest()[:16]


def shares_by_unit(shares):
    """(unit, count) for a list of shares, the units with most first, then by code."""
    counts = {}
    for a in shares:
        counts.setdefault(a.unit, 0)
        counts[a.unit] += 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0].code))
