"""Every number equals the list it links to, and one word means one thing (issue 21, item 7)."""

import re

import pytest
from django.urls import reverse

from assignments.models import Assignment
from indicators.models import Indicator
from tests.factories import make_assignment

pytestmark = pytest.mark.django_db
S = Assignment.Status


def _many_shares(world, n=14):
    """Unit A with more open shares than the board lists, and some that are not open."""
    mid = world.indicators[0].parent
    for i in range(n):
        ind = Indicator.objects.create(
            framework=world.campaign.framework,
            parent=mid,
            level=3,
            code=f"1.1.{20 + i}",
            position=20 + i,
            title=f"指标{i}",
        )
        share = make_assignment(world.campaign, ind, world.unit_a, days=-1 - i)
        if i % 4 == 0:
            Assignment.objects.filter(pk=share.pk).update(status=S.SUBMITTED)  # waiting: not open


def test_the_boards_all_open_items_link_opens_exactly_that_many(client, world):
    _many_shares(world)
    client.force_login(world.office_staff)
    body = client.get(reverse("assignments:board")).content.decode()
    match = re.search(r'href="(/assignments/\?unit=[^"]+)">查看全部 (\d+) 项未完成事项', body)
    assert match, "the board links to unit A's open items"
    url, n = match[1].replace("&amp;", "&"), int(match[2])
    listed = client.get(url).context["page"].paginator.count
    assert listed == n
    assert n == Assignment.objects.filter(unit=world.unit_a, status__in=Assignment.OPEN_STATUSES).count()


def test_the_office_homes_chips_equal_their_lists(client, world):
    _many_shares(world)
    client.force_login(world.office_admin)
    body = client.get("/").content.decode()
    for label, query in (("任务待审核", "status=submitted"), ("逾期任务", "overdue=true")):
        match = re.search(rf'href="/assignments/\?{query}">{label} <span class="badge[^"]*">(\d+)</span>', body)
        assert match, label
        listed = client.get(f"/assignments/?{query}").context["page"].paginator.count
        assert listed == int(match[1]), label


def test_shares_and_evidence_waiting_for_review_have_distinct_words(client, world):
    Assignment.objects.filter(pk=world.shares.a_soon.pk).update(status=S.SUBMITTED)
    client.force_login(world.office_admin)
    home = client.get("/").content.decode()
    dashboard = client.get(reverse("assessment:dashboard")).content.decode()
    assert "任务待审核" in home and "材料待审核" not in home
    assert "材料待审核" in dashboard
    # "待审核" alone never labels shares.
    assert not re.search(r"(?<![务料])待审核 <span", home)


def test_the_trend_ends_at_the_accepted_evidence_tile(client, world):
    import datetime

    from django.utils import timezone

    from assessment.models import DailySnapshot

    # Yesterday's snapshot said 117 (the old demo history); today nothing is accepted.
    DailySnapshot.objects.create(
        campaign=world.campaign,
        day=timezone.localdate() - datetime.timedelta(days=1),
        evidence_accepted=117,
        evidence_total=150,
    )
    client.force_login(world.office_admin)
    context = client.get(reverse("assessment:dashboard")).context
    rows = context["trend"]["rows"]
    assert rows[-1]["day"] == timezone.localdate()
    assert rows[-1]["evidence_accepted"] == context["evidence"]["accepted"] == 0
