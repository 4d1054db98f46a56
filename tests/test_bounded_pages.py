"""Pages that list what a county accumulates show a bounded part of it and lead to the rest
(issue 20 item 3): an indicator's evidence on its self-assessment page, the pieces a fix report
offers, the indicator tree's details, and a long list's page read in two steps."""

import datetime
import html
import re

import pytest
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone

from assessment.forms import RectificationReportForm
from assessment.selectors import EVIDENCE_SHOWN
from assignments.models import Assignment
from core.paging import page_of
from evidence.models import Evidence

from .factories import UnitFactory, make_assignment

pytestmark = pytest.mark.django_db


def _pieces(share, n, status="pending", title="材料"):
    return Evidence.objects.bulk_create(
        Evidence(assignment=share, campaign=share.campaign, kind="document", title=f"{title}{k}", review_status=status)
        for k in range(n)
    )


def test_the_self_assessment_page_lists_the_first_pieces_and_counts_the_rest(client, world):
    share = world.shares.a_overdue
    indicator = share.indicator
    _pieces(share, 20, "pending", "待审")
    _pieces(share, 12, "accepted", "已采纳")
    _pieces(share, 5, "returned", "退回")
    # A piece of another indicator's share that also proves this one counts too.
    other = _pieces(world.shares.b_lead, 1, "accepted", "兼证")[0]
    other.also_proves.add(indicator)
    _pieces(world.shares.b_lead, 3, "accepted", "别的")  # another indicator's: not counted
    client.force_login(world.office_admin)
    response = client.get(reverse("assessment:edit", args=[indicator.pk]))
    evidence = response.context["evidence"]
    assert evidence["total"] == 38
    assert len(evidence["items"]) == EVIDENCE_SHOWN == evidence["shown"]
    # Accepted first (the pieces the result rests on), then waiting, then returned.
    statuses = [e.review_status for e in evidence["items"]]
    assert statuses == ["accepted"] * 13 + ["pending"] * 17
    assert other.pk in [e.pk for e in evidence["items"]]
    assert [(s, n) for s, _label, n in evidence["by_status"]] == [("pending", 20), ("accepted", 13), ("returned", 5)]
    body = response.content.decode()
    more = re.search(r"<li[^>]*data-evidence-more>(.*?)</li>", body, re.S).group(1)
    assert "38" in more and "30" in more
    links = [html.unescape(h) for h in re.findall(r'href="([^"]+)"', more)]
    assert links == [
        f"{reverse('evidence:queue')}?code={indicator.code}&review={s}" for s in ("pending", "accepted", "returned")
    ]
    # The queue those links open holds exactly the counted pieces of that status (the indicator's own).
    queue = client.get(links[2])
    assert queue.context["page"].paginator.count == 5


def test_a_small_indicator_lists_all_its_pieces_without_the_more_line(client, world):
    _pieces(world.shares.a_overdue, 3)
    client.force_login(world.office_admin)
    response = client.get(reverse("assessment:edit", args=[world.shares.a_overdue.indicator_id]))
    assert response.context["evidence"]["total"] == 3 and len(response.context["evidence"]["items"]) == 3
    assert "data-evidence-more" not in response.content.decode()


def test_a_fix_report_offers_the_indicators_pieces_and_the_units_latest_only(world):
    from types import SimpleNamespace

    own = world.shares.a_overdue  # the item's indicator
    mine = _pieces(own, 2, "accepted", "本指标")
    elsewhere = world.shares.a_ongoing  # unit A's share on another indicator
    latest = _pieces(elsewhere, RectificationReportForm.LATEST_PIECES + 10, "accepted", "其他")
    _pieces(world.shares.b_lead, 5, "accepted", "别的单位")  # unit B's: never offered to unit A
    item = SimpleNamespace(campaign_id=world.campaign.pk, owner_id=world.unit_a.pk, indicator_id=own.indicator_id)
    offered = set(RectificationReportForm(item=item).fields["evidence"].queryset)
    assert set(mine) <= offered
    assert len(offered) == 2 + RectificationReportForm.LATEST_PIECES
    assert len(offered & set(latest)) == RectificationReportForm.LATEST_PIECES
    # A choice outside what is offered is refused, not taken.
    old = next(e for e in latest if e not in offered)
    form = RectificationReportForm({"note": "已整改", "evidence": old.pk}, item=item)
    assert not form.is_valid() and "evidence" in form.errors
    form = RectificationReportForm({"note": "已整改", "evidence": mine[0].pk}, item=item)
    assert form.is_valid(), form.errors


def test_a_fix_report_offers_at_most_the_latest_pieces_of_the_indicator_too(world):
    from types import SimpleNamespace

    n = RectificationReportForm.LATEST_PIECES
    own = _pieces(world.shares.a_overdue, n + 5, "accepted", "本指标")
    other = _pieces(world.shares.a_ongoing, n + 5, "accepted", "其他")  # newer: the unit's latest
    start = timezone.now() - datetime.timedelta(days=1)
    for k, piece in enumerate(own + other):  # one distinct moment each, in order
        Evidence.objects.filter(pk=piece.pk).update(created_at=start + datetime.timedelta(seconds=k))
    item = SimpleNamespace(
        campaign_id=world.campaign.pk, owner_id=world.unit_a.pk, indicator_id=world.shares.a_overdue.indicator_id
    )
    offered = set(RectificationReportForm(item=item).fields["evidence"].queryset)
    assert len(offered) == 2 * n
    assert offered & set(own) == set(own[-n:]) and offered & set(other) == set(other[-n:])


def test_the_tree_folds_the_details_and_opens_one_level2_indicator(client, world):
    i1, i2, _i3 = world.indicators
    type(i1).objects.filter(pk=i1.pk).update(evaluation_method="材料审查与实地核查")
    stats = UnitFactory(code="D31", name="县统计局", short_name="县统计局")
    make_assignment(world.campaign, i1, stats, Assignment.Role.COOPERATING)
    client.force_login(world.liaison_a)
    url = world.campaign.framework.get_absolute_url()
    folded = client.get(url).content.decode()
    assert "三级指标1" in folded and "县司法局" in folded  # each indicator and its lead, in one line
    assert "材料审查与实地核查" not in folded and "县统计局" not in folded, folded[folded.find("材料审查") :][:300]
    link = f"open={i1.parent.code}"
    assert f'hx-get="?campaign={world.campaign.pk}&amp;{link}"' in folded
    opened = client.get(url, {"open": i1.parent.code}).content.decode()
    assert "材料审查与实地核查" in opened and "县统计局" in opened


def test_page_of_gives_the_paginators_pages_in_the_same_order(world):
    from .scale import grow

    grow(world, 3)
    qs = (
        Assignment.objects.filter(campaign=world.campaign)
        .select_related("unit", "indicator")
        .order_by("indicator__code", "role", "unit__code")
    )
    plain = Paginator(qs, 7)
    for number in (1, 2, plain.num_pages, 999, "x"):
        ours, theirs = page_of(qs, number, 7), plain.get_page(number)
        assert ours.number == theirs.number
        assert [a.pk for a in ours.object_list] == [a.pk for a in theirs.object_list]
        assert ours.paginator.count == theirs.paginator.count
    assert page_of(qs, 1, 7).object_list[0].unit.code  # select_related kept on the page's rows
