"""The lists that grow with the county are paged (issue 20 item 3): page 2 exists and holds the
rest, page links keep the filters, and the share page reads the unit's guardian permissions once."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assignments.models import Assignment
from evidence.models import Evidence

from .scale import grow

pytestmark = pytest.mark.django_db


def _link(response, text):
    """The query of the pagination link labelled `text` ("下一页"/"上一页"), parsed."""
    hrefs = re.findall(rf'<a class="page-link" href="([^"]*)">{text}</a>', response.content.decode())
    assert len(hrefs) == 1, hrefs
    return parse_qs(urlsplit(html.unescape(hrefs[0])).query)


def _walk(client, url, query, per_page, key):
    """Page 1 and page 2 of a list under a filter: full pages, no row twice, every row shown,
    the next link carrying the filter."""
    first = client.get(url, query)
    page = first.context["page"]
    total = page.paginator.count
    assert total > per_page, f"the data should fill more than one page ({total})"
    assert len(page.object_list) == per_page
    nxt = _link(first, "下一页")
    assert nxt.pop("page") == ["2"]
    assert nxt == {k: [str(v)] for k, v in query.items()}  # the filter kept
    second = client.get(url, {**query, "page": 2})
    rest = second.context["page"]
    assert rest.number == 2
    seen = [key(r) for r in page.object_list] + [key(r) for r in rest.object_list]
    assert len(seen) == len(set(seen))
    assert len(seen) == min(total, 2 * per_page)
    back = _link(second, "上一页")
    assert back.pop("page") == ["1"] and back == {k: [str(v)] for k, v in query.items()}
    return first, second, total


def test_office_lists_are_paged_with_their_filters(client, world, monkeypatch):
    grow(world, 10)
    monkeypatch.setattr("assessment.views.PER_PAGE", 10)  # a few dozen indicators: pages of ten
    client.force_login(world.office_admin)

    # The review queue: 30 a page, oldest first, under a unit filter.
    query = {"unit": world.unit_a.pk}
    _first, _second, total = _walk(client, reverse("evidence:queue"), query, 30, key=lambda e: e.pk)
    assert total == Evidence.objects.visible().filter(review_status="pending", assignment__unit=world.unit_a).count()

    # The assessments list: 50 indicators a page; the count is of every filtered row.
    _first, second, total = _walk(
        client, reverse("assessment:list"), {"result": "none"}, 10, key=lambda r: r["indicator"].pk
    )
    assert total == len(second.context["rows"])
    assert all(r["result"] == "" for r in second.context["page"])
    assert client.get(reverse("assessment:list"), {"page": 2}).context["page"].number == 2

    # The task list: 50 shares a page.
    query = {"role": "lead"}
    _first, _second, total = _walk(client, reverse("assignments:list"), query, 50, key=lambda a: a.pk)
    assert total == Assignment.objects.filter(campaign=world.campaign, role="lead").count()


def test_a_queue_decision_keeps_its_page_and_filter(client, world):
    grow(world, 10)
    client.force_login(world.office_admin)
    queue = reverse("evidence:queue")
    second = client.get(queue, {"unit": world.unit_a.pk, "page": 2})
    item = second.context["page"].object_list[0]
    raw = f"unit={world.unit_a.pk}&page=2"
    # The hidden field of each row's form carries the page with the filter.
    assert f'name="queue" value="{raw}"'.replace("&", "&amp;") in second.content.decode()
    response = client.post(
        reverse("evidence:review", args=[item.pk]), {"decision": "accepted", "from": "queue", "queue": raw}
    )
    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query) == {"unit": [str(world.unit_a.pk)], "page": ["2"]}
    # 下一条 from an item opened on page 2 goes on to the item after it, on whatever page.
    following = second.context["page"].object_list[1]
    page = client.get(following.get_absolute_url(), {"queue": raw})
    after = second.context["page"].object_list[2]
    assert page.context["next_url"].startswith(after.get_absolute_url())


def test_my_tasks_are_grouped_and_each_group_paged(client, world, monkeypatch):
    grow(world, 10)
    monkeypatch.setattr("portal.views.GROUP_PAGE", 5)
    client.force_login(world.liaison_a)
    home = reverse("portal:home")
    response = client.get(home)
    groups = response.context["task_groups"]
    big = max(groups, key=lambda g: g["total"])
    assert big["total"] > 10, [(g["key"], g["total"]) for g in groups]
    for g in groups:
        assert len(g["items"]) == min(g["total"], 10)  # the home page shows each group's first ten
    body = response.content.decode()
    assert f'href="?group={big["key"]}"' in body
    first = client.get(home, {"group": big["key"]})
    page = first.context["page"]
    assert page.paginator.count == big["total"] and len(page.object_list) == 5
    assert _link(first, "下一页") == {"group": [big["key"]], "page": ["2"]}
    second = client.get(home, {"group": big["key"], "page": 2})
    shown = {a.pk for a in page.object_list} | {a.pk for a in second.context["page"].object_list}
    assert len(shown) == 10
    # An unknown group is the plain home page.
    assert "page" not in client.get(home, {"group": "nope"}).context


def test_the_share_page_reads_the_units_permissions_once(client, world):
    """The liaison's share page asked guardian about the same unit for every button and move;
    the user's grants on units, read once per request, answer them all (and the page's scoped
    lookups)."""
    client.force_login(world.liaison_a)
    url = world.shares.a_overdue.get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    guardian = [q["sql"] for q in ctx.captured_queries if "guardian_userobjectpermission" in q["sql"]]
    assert len(guardian) == 1, guardian
    assert len(ctx.captured_queries) <= 17  # 16, and the header's campaign switcher (one query)


def test_prefetch_reads_a_lists_units_in_one_go(world):
    """permissions.prefetch(): guardian's prefetch_perms over the rows' units, then can() on each
    row asks nothing more; a grant afterwards is seen (the cache is dropped)."""
    from django.contrib.auth import get_user_model

    from org import permissions

    user = get_user_model().objects.get(pk=world.leader_a.pk)
    rows = [world.shares.a_overdue, world.shares.a_soon, world.shares.b_lead]
    for r in rows:
        r.unit  # noqa: B018 (loaded before counting)
    with CaptureQueriesContext(connection) as ctx:
        permissions.prefetch(user, rows)
        answers = [permissions.can(user, permissions.SIGNOFF_UNIT_WORK, r) for r in rows]
    assert answers == [True, True, False]
    guardian = [
        q for q in ctx.captured_queries if q["sql"].startswith('SELECT "auth_permission"') or "guardian" in q["sql"]
    ]
    assert len(guardian) <= 2, [q["sql"][:120] for q in ctx.captured_queries]
    permissions.grant(user, permissions.SIGNOFF_UNIT_WORK, world.unit_b)
    assert permissions.can(user, permissions.SIGNOFF_UNIT_WORK, world.shares.b_lead)
