"""Every tile of the office dashboard equals the list it links to (issue 21, item 7): the test
follows each link with the client and counts the list's rows (or its paginator's count)."""

import re
from html import unescape

import pytest
from django.urls import reverse

from assessment.models import Assessment
from assessment.services import assessment_save
from assignments.models import Assignment
from campaign.models import Campaign
from evidence.services import evidence_add, evidence_review
from tests.factories import CampaignFactory, make_assignment, make_tree

pytestmark = pytest.mark.django_db

TILE = re.compile(
    r'<a class="card stat-card[^"]*" href="([^"]+)"><div class="card-body"><div class="stat-value[^"]*">([\d/]+)</div><div class="stat-label">([^<]+)</div>'
)
BAR = re.compile(r'<a href="([^"]+)">([^<]+)</a></span>\s*<span class="text-nowrap">(\d+)/(\d+) ·')


def _listed(client, url):
    context = client.get(url).context
    if "page" in context:
        return context["page"].paginator.count
    return len(context["rows"])


def _county_at_work(world):
    """Evidence in every review state, shares in several statuses, assessments of every kind, and
    an earlier, concluded campaign with its own evidence waiting (not this campaign's)."""
    s = world.shares
    summary = {"kind": "summary", "text": "已完成。"}
    accepted = evidence_add(assignment=s.a_overdue, title="方案", by=world.liaison_a, **summary)
    evidence_review(evidence=accepted, decision="accepted", by=world.office_staff)
    evidence_add(assignment=s.a_soon, title="台账", by=world.liaison_a, **summary)  # waiting
    returned = evidence_add(assignment=s.b_lead, title="照片", by=world.liaison_b, **summary)
    evidence_review(evidence=returned, decision="returned", comment="缺少说明。", by=world.office_staff)
    Assignment.objects.filter(pk=s.a_overdue.pk).update(status=Assignment.Status.ACCEPTED)
    i1, i2, i3 = world.indicators
    for indicator, result in ((i1, "met"), (i2, "partial")):
        assessment_save(campaign=world.campaign, indicator=indicator, by=world.office_admin, result=result)
    old = CampaignFactory(stage=Campaign.Stage.NAMED)
    old_share = make_assignment(old, make_tree(old.framework)[0], world.unit_a, days=-30)
    evidence_add(assignment=old_share, title="旧材料", by=world.liaison_a, **summary)
    Campaign.objects.filter(pk=old.pk).update(created_at=world.campaign.created_at.replace(year=2020))


def test_every_dashboard_tile_equals_the_list_it_links_to(client, world):
    _county_at_work(world)
    client.force_login(world.office_admin)
    body = client.get(reverse("assessment:dashboard")).content.decode()
    tiles = TILE.findall(body)
    assert len(tiles) == 10, "every stat tile is a link"
    for url, value, label in tiles:
        shown = int(value.split("/")[0])
        assert _listed(client, unescape(url)) == shown, f"{label}: {shown} on the tile, {url}"
    assert {int(v.split("/")[0]) for _, v, _ in tiles} != {0}  # the data above shows on the tiles
    bars = BAR.findall(body)
    assert len(bars) >= 3  # the level-1 section, the department, the township
    for url, label, _done, total in bars:
        assert _listed(client, unescape(url)) == int(total), f"{label}: {total} on the bar, {url}"


def test_a_bars_done_figure_equals_its_list_filtered_to_done(client, world):
    """The bar's first figure (met indicators, accepted shares) is the linked list, filtered."""
    _county_at_work(world)
    client.force_login(world.office_admin)
    body = client.get(reverse("assessment:dashboard")).content.decode()
    for url, label, done, _total in BAR.findall(body):
        url = unescape(url)
        narrow = "&result=met" if "level1=" in url else "&status=accepted"
        assert _listed(client, url + narrow) == int(done), f"{label}: {done}"


def test_the_tiles_count_this_campaign_only(client, world):
    _county_at_work(world)
    client.force_login(world.office_admin)
    context = client.get(reverse("assessment:dashboard")).context
    assert context["evidence"]["pending"] == 1  # the concluded campaign's evidence is not counted
    assert Assessment.objects.filter(campaign=world.campaign).count() == 2
