"""The city's and the province's workspaces (read side, issue 14 items 4 and 7): the latest
submissions side by side, their XLSX export, and one level-1 indicator compared county by county.
The city's scope is its office's inbox, the province's its cities' counties (review.selectors)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.downloads import table_response
from core.tables import export_table
from org import permissions

from . import selectors
from .models import Level

# level -> (the right the workspace needs, the scoped submissions). One set of views for both
# levels: the city's reviewers (and IT) have the city's, the province's the province's; everyone
# else's role has no city or province (403).
LEVELS = {
    Level.CITY: (permissions.RECORD_CITY_REVIEW, lambda user: selectors.submissions_for(user, Level.CITY)),
    Level.PROVINCE: (permissions.RECORD_PROVINCE_REVIEW, lambda user: selectors.submissions_for(user, Level.PROVINCE)),
}


def _rows(request, level, codes=()):
    perm, submissions = LEVELS[level]
    permissions.require_global(request.user, perm)
    return selectors.workspace_rows(submissions(request.user), request.GET.get("sort"), level, codes)


def _headings(request):
    """The sortable column headings: each links to its own sort, the current one reversed."""
    key, descending = selectors.parse_sort(request.GET.get("sort"))
    return [
        {
            "key": k,
            "label": label,
            "sort": f"-{k}" if k == key and not descending else k,
            "current": "desc" if k == key and descending else "asc" if k == key else "",
        }
        for k, label in selectors.COLUMNS
    ]


@login_required
@require_GET
def workspace(request, level):
    """The counties' latest submissions side by side, sortable by any column, with a chart."""
    rows = _rows(request, level)
    context = {
        "level": level,
        "rows": rows,
        "headings": _headings(request),
        "chart": selectors.workspace_chart(rows),
        "level1": selectors.level1_choices(rows),
        "sort": request.GET.get("sort", ""),
    }
    return render(request, "review/workspace.html", context)


@login_required
@require_GET
def workspace_export(request, level):
    """The workspace as an XLSX workbook, in the order the page shows it."""
    headers, rows = selectors.workspace_export_rows(_rows(request, level))
    stem = _("city workspace") if level == "city" else _("province workspace")
    return table_response(export_table(headers, rows, "xlsx"), stem)


@login_required
@require_GET
def workspace_compare(request, level):
    """One level-1 indicator: each county's result and self-score per level-3, side by side."""
    rows = _rows(request, level)
    choices = list(selectors.level1_choices(rows))
    chosen = request.GET.get("indicator")
    level1 = next((i for i in choices if str(i.pk) == chosen), None) if chosen else (choices[0] if choices else None)
    if chosen and level1 is None:
        raise Http404  # not a level-1 indicator of the compared framework
    lines, totals = [], []
    if level1:
        level3 = selectors.level3_under(level1)
        rows = _rows(request, level, codes=[i.code for i in level3])  # with those indicators' results
        lines, totals = selectors.indicator_comparison(rows, level3)
    context = {
        "level": level,
        "rows": rows,
        "choices": choices,
        "level1": level1,
        "lines": lines,
        "columns": list(zip(rows, totals, strict=True)) if totals else [(r, None) for r in rows],
        "sort": request.GET.get("sort", ""),
    }
    return render(request, "review/workspace_compare.html", context)
