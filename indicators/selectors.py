"""Read-only queries about indicator frameworks."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from assignments.models import Assignment

from . import tables
from .models import Framework, Indicator


def framework_list():
    return Framework.objects.annotate(
        level3=Count("indicators", filter=Q(indicators__level=3)), campaign_count=Count("campaigns", distinct=True)
    ).order_by("name", "-created_at")


@dataclass
class TreeNode:
    indicator: Indicator
    children: list = field(default_factory=list)
    lead: object = None
    cooperating: list = field(default_factory=list)
    deadline: object = None
    ongoing: bool = False

    @property
    def level3_count(self):
        if self.indicator.level == 3:
            return 1
        return sum(child.level3_count for child in self.children)


def framework_level_counts(framework):
    counts = dict(framework.indicators.values_list("level").annotate(n=Count("id")).values_list("level", "n"))
    return {level: counts.get(level, 0) for level in (1, 2, 3)}


def framework_tree(*, framework, campaign=None, query=""):
    """The framework as nested TreeNodes in code order, with each level-3 node's
    division of work in `campaign`. A query keeps the level-3 nodes whose code,
    text or units match it, and their ancestors. Three queries whatever the size."""
    indicators = sorted(framework.indicators.all(), key=lambda i: tables.code_sort_key(i.code))
    nodes = {i.pk: TreeNode(i) for i in indicators}
    if campaign is not None:
        for a in Assignment.objects.filter(campaign=campaign).select_related("unit").order_by("unit__code"):
            node = nodes.get(a.indicator_id)
            if node is None:
                continue
            if a.role == Assignment.Role.LEAD:
                node.lead, node.deadline, node.ongoing = a.unit, a.deadline, a.ongoing
            else:
                node.cooperating.append(a.unit)
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
