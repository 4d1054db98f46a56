"""Campaigns: creating and editing them, and moving them through the stages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from campaign.models import Campaign, CampaignStageEvent
from campaign.services import STAGE_TRANSITIONS, campaign_move_stage
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_office_admin_creates_and_edits_a_campaign(client, world):
    client.force_login(world.office_admin)
    data = {
        "name": "2027年单项示范",
        "county": "示范县",
        "slug": "2027-single",
        "kind": "single_item",
        "single_item_title": "",
        "focus_areas": "",
        "framework": world.campaign.framework.pk,
        "threshold": "90",
    }
    new = client.get(reverse("campaign:create")).content.decode()
    assert 'name="threshold" value="90"' in new  # a new campaign starts at 90 %
    response = client.post(reverse("campaign:create"), data)
    assert (
        "单项示范须填写项目名称" in response.content.decode()
        and not Campaign.objects.filter(slug="2027-single").exists()
    )
    data["single_item_title"] = "行政执法“三项制度”"
    response = client.post(reverse("campaign:create"), data)
    campaign = Campaign.objects.get(slug="2027-single")
    assert response.status_code == 302 and campaign.framework.frozen
    assert CampaignStageEvent.objects.filter(campaign=campaign, to_stage="preparation").exists()
    data.update(threshold="150")
    response = client.post(reverse("campaign:edit", args=[campaign.pk]), data)
    assert "0 到 100 之间的百分数" in response.content.decode()
    data.update(threshold="95", slug="2027-single")
    client.post(reverse("campaign:edit", args=[campaign.pk]), data)
    campaign.refresh_from_db()
    assert str(campaign.threshold) == "0.950"
    page = client.get(reverse("campaign:edit", args=[campaign.pk])).content.decode()
    assert 'name="threshold"' in page and 'value="95"' in page and "0.950" not in page and "命令行" not in page
    data.update(city_office=world.city.pk)  # the city it reports to is audited like every other field
    client.post(reverse("campaign:edit", args=[campaign.pk]), data)
    event = AuditEvent.objects.filter(verb="updated", object_id=str(campaign.pk)).order_by("-id").first()
    assert event.after == {"city_office": str(world.city.pk)} and event.before == {"city_office": None}


@pytest.mark.parametrize(
    "persona, frm, to, allowed",
    [
        ("office_admin", "preparation", "self_assessment", True),
        ("office_admin", "preparation", "declared", True),  # a batch that skips self-assessment
        ("office_admin", "preparation", "named", False),
        ("office_staff", "preparation", "self_assessment", False),
        ("liaison_a", "preparation", "self_assessment", False),
        ("city_reviewer", "declared", "recommended", True),
        ("city_reviewer", "preparation", "self_assessment", False),
        ("office_admin", "declared", "recommended", True),
        ("office_admin", "publicised", "named", True),
        ("office_admin", "named", "preparation", False),
    ],
)
def test_stage_moves_by_role(client, world, persona, frm, to, allowed):
    Campaign.objects.filter(pk=world.campaign.pk).update(stage=frm)
    client.force_login(getattr(world, persona))
    client.post(
        reverse("campaign:stage", args=[world.campaign.pk]),
        {"to_stage": to, "effective_on": "2026-05-01", "note": "市委依法治市办初审通过"},
    )
    world.campaign.refresh_from_db()
    assert (world.campaign.stage == to) is allowed
    assert CampaignStageEvent.objects.filter(campaign=world.campaign, to_stage=to).exists() is allowed


def test_stage_service_covers_every_pair(world):
    for frm in Campaign.Stage:
        for to in Campaign.Stage:
            Campaign.objects.filter(pk=world.campaign.pk).update(stage=frm)
            world.campaign.refresh_from_db()
            try:
                campaign_move_stage(campaign=world.campaign, to_stage=to, by=world.office_admin)
            except (ValidationError, PermissionDenied):
                assert (frm, to) not in STAGE_TRANSITIONS  # the office admin may make every move of the table
            else:
                assert (frm, to) in STAGE_TRANSITIONS


def test_a_campaign_with_tasks_keeps_its_framework(client, world):
    from indicators.models import Framework

    other = Framework.objects.create(name="另一套体系", version="2")
    client.force_login(world.office_admin)
    data = {
        "name": world.campaign.name,
        "county": world.campaign.county,
        "slug": world.campaign.slug,
        "kind": "comprehensive",
        "single_item_title": "",
        "focus_areas": "",
        "framework": other.pk,
        "threshold": "90",
    }
    response = client.post(reverse("campaign:edit", args=[world.campaign.pk]), data)
    assert response.status_code == 200 and "指标体系不能再更换" in response.content.decode()
    world.campaign.refresh_from_db()
    assert world.campaign.framework_id != other.pk
    with pytest.raises(ValidationError):  # the service refuses too, whoever calls it
        from campaign.services import campaign_update

        campaign_update(campaign=world.campaign, by=world.office_admin, framework=other)
    world.campaign.refresh_from_db()
    assert world.campaign.framework_id != other.pk


def test_the_database_refuses_a_framework_swap_under_tasks_too(world):
    from django.db import IntegrityError, connection, transaction

    from indicators.models import Framework

    if connection.vendor != "postgresql":
        pytest.skip("the guard is a PostgreSQL trigger (CI runs on PostgreSQL)")
    other = Framework.objects.create(name="另一套体系", version="3")
    with pytest.raises(IntegrityError, match="cannot change"), transaction.atomic():
        Campaign.objects.filter(pk=world.campaign.pk).update(framework=other)  # bypasses service and form
    world.campaign.assignments.all().delete()
    Campaign.objects.filter(pk=world.campaign.pk).update(framework=other)  # no tasks: allowed
