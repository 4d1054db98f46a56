"""The readiness dashboard (迎检): every number is a link to a list of exactly that many rows,
and the page reads a fixed number of queries whatever the county's size."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessment.services import pool_item_add
from evidence.models import Evidence
from inspection.services import (
    fieldcheck_add,
    publicity_log,
    publicity_target_set,
    request_add,
    request_answer,
    request_split,
    survey_import,
)
from inspection.survey import survey_parse

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
# Which list of each page a number counts.
LISTS = {
    "/inspection/publicity/": "actions",
    "/inspection/publicity/targets/": "progress",
    "/campaigns/rectifications/": "items",
    "/inspection/requests/": "parts",
    "/inspection/fieldcheck/": "items",
    "/inspection/survey/": "surveys",
}


def _county(world, n=1, tag=""):
    """n of everything the dashboard counts, in each state."""
    for k in range(n):
        publicity_log(
            campaign=world.campaign,
            unit=world.unit_a,
            by=world.liaison_a,
            platform="wechat",
            happened_on=TODAY,
            title=f"普法宣传{tag}{k}",
            url=f"https://example.gov.cn/{tag}{k}",
        )
        for days in (-3, 5):
            pool_item_add(
                campaign=world.campaign,
                source="assessor",
                owner=world.unit_b,
                measure=f"整改{tag}{k}{days}",
                deadline=TODAY + datetime.timedelta(days=days),
                by=world.office_staff,
            )
        request = request_add(campaign=world.campaign, title=f"补充{tag}{k}", due_on=TODAY, by=world.office_staff)
        a = request_split(
            request=request, unit=world.unit_a, deadline=TODAY - datetime.timedelta(days=1), by=world.office_staff
        )
        request_split(
            request=request, unit=world.unit_b, deadline=TODAY - datetime.timedelta(days=1), by=world.office_staff
        )
        piece = Evidence.objects.create(
            assignment=world.shares.a_soon, campaign=world.campaign, kind="summary", title="x"
        )
        request_answer(part=a, by=world.liaison_a, note="", evidence=piece)
        fieldcheck_add(
            campaign=world.campaign,
            indicator=world.indicators[0],
            unit=world.unit_a,
            kind="service_window",
            title=f"窗口{tag}{k}",
            place=f"政务服务中心{tag}{k}",
            by=world.office_staff,
        )
    publicity_target_set(
        campaign=world.campaign, unit=world.unit_a, month=TODAY, platform="wechat", count=1, by=world.office_admin
    )
    publicity_target_set(
        campaign=world.campaign, unit=world.unit_a, month=TODAY, platform="press", count=2, by=world.office_admin
    )
    csv = "乡镇,对政府依法行政是否满意\n" + "城关镇,2\n城关镇,5\n" * n
    survey_import(campaign=world.campaign, parsed=survey_parse(csv.encode()), by=world.office_staff, title="测评")


def _count(client, url):
    context = client.get(url).context
    path = url.split("?")[0]
    if path.startswith("/inspection/survey/") and path != "/inspection/survey/":
        return len(context["weak_points"])
    return len(list(context[LISTS[path]]))


def test_every_number_on_the_dashboard_equals_the_list_it_opens(client, world):
    _county(world)
    client.force_login(world.office_staff)
    page = client.get(reverse("inspection:dashboard"))
    tiles = [t for _title, section in page.context["sections"] for t in section]
    assert len(tiles) >= 14
    for tile in tiles:
        assert tile.url in page.content.decode().replace("&amp;", "&")
        assert _count(client, tile.url) == tile.value, tile.label
    by_url = {t.url: t.value for t in tiles}
    assert by_url["/campaigns/rectifications/?status=open"] == 2
    assert by_url["/campaigns/rectifications/?status=overdue"] == 1
    assert by_url["/inspection/requests/?parts=missing"] == 1
    assert by_url["/inspection/publicity/targets/?met=1"] == 1


def test_the_dashboard_reads_as_many_queries_at_twenty_times_the_data(client, world):
    client.force_login(world.office_staff)
    _county(world, 1)
    client.get(reverse("inspection:dashboard"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("inspection:dashboard"))
    _county(world, 20, tag="x")
    with CaptureQueriesContext(connection) as twenty:
        client.get(reverse("inspection:dashboard"))
    assert len(twenty) == len(one)


def test_units_have_no_dashboard(client, world):
    client.force_login(world.liaison_a)
    assert client.get(reverse("inspection:dashboard")).status_code == 403
