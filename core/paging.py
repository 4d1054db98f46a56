"""A page of a long, joined list read in two steps.

Django's Paginator slices the queryset itself: on a list ordered by joined columns (a task list
by indicator code and unit code) PostgreSQL builds and sorts every row with all its joined
columns before it keeps fifty (18 ms at 7,500 shares). Here the page's primary keys are found
first, on the narrow rows the filter and the ordering need, and only those fifty rows are read
whole (select_related and all). Same page object, same template."""

from django.core.paginator import Paginator


def page_of(queryset, number, per_page, *, rows=None):
    """Paginator(queryset, per_page).get_page(number), its rows in the queryset's order. The
    rows are read by key from `rows` when given (what the page shows of them: fewer joins and
    columns than the filtering needed), else from the queryset itself."""
    page = Paginator(queryset.values_list("pk", flat=True), per_page).get_page(number)
    ids = list(page.object_list)
    rows = (queryset if rows is None else rows).order_by().in_bulk(ids)
    page.object_list = [rows[pk] for pk in ids if pk in rows]
    return page
