"""The problem pool (问题池) and 整改销号: items from every source in one model, the unit's fix
report with evidence, the office's verification (close or send back), the 迎检 guard over the
whole pool, overdue items in the reminders and on the accountability board."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from assessment.models import Rectification
from assessment.selectors import pool_counts, pool_items
from assessment.services import pool_item_add, rectification_close, rectification_report, rectification_send_back
from assignments.reminders import reminders_send
from assignments.selectors import accountability_board
from campaign.models import Campaign
from campaign.services import campaign_move_stage
from core.models import Notification
from evidence.models import Evidence, EvidenceRevision
from tests.evidence import samples

pytestmark = pytest.mark.django_db
S = Rectification.Source
TODAY = timezone.localdate()


def _item(world, unit=None, days=10, source=S.ASSESSOR, **extra):
    return pool_item_add(
        campaign=world.campaign,
        source=source,
        indicator=world.indicators[1],
        owner=unit or world.unit_b,
        measure="补充公开行政执法信息",
        deadline=TODAY + datetime.timedelta(days=days),
        by=world.office_staff,
        detail="第三方评估：执法信息公开不全",
        **extra,
    )


def _pdf(name="整改报告.pdf", text="fix"):
    return SimpleUploadedFile(name, samples.pdf(text), content_type="application/pdf")


def test_an_item_from_any_source_lands_in_the_pool_and_the_owner_is_told(world):
    item = _item(world)
    assert (item.source, item.owner, item.status, item.assessment) == (S.ASSESSOR, world.unit_b, "open", None)
    assert Notification.objects.filter(recipient=world.liaison_b, title__contains="整改").exists()
    assert not Notification.objects.filter(recipient=world.liaison_a).exists()


def test_the_same_source_key_twice_gives_the_item_already_there(world):
    first = _item(world, key="comment-17")
    again = _item(world, key="comment-17")
    assert first.pk == again.pk and Rectification.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Rectification.objects.create(
            campaign=world.campaign,
            source=S.ASSESSOR,
            source_key="comment-17",
            owner=world.unit_b,
            measure="x",
            deadline=TODAY,
        )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"measure": "  "}, "整改措施"),
        ({"deadline": None}, "时限"),
        ({"source": "gossip"}, "来源"),
    ],
)
def test_an_incomplete_item_is_refused_and_nothing_is_written(world, change, message):
    values = {
        "campaign": world.campaign,
        "source": S.OWN_INSPECTION,
        "owner": world.unit_a,
        "measure": "整改",
        "deadline": TODAY,
        "by": world.office_staff,
        **change,
    }
    with pytest.raises(ValidationError, match=message):
        pool_item_add(**values)
    assert not Rectification.objects.exists()


def test_the_unit_reports_with_a_new_file_through_the_evidence_checks(world):
    item = _item(world)
    rectification_report(
        item=item, by=world.liaison_b, note="已在网站公开", assignment=world.shares.b_lead, upload=_pdf()
    )
    item.refresh_from_db()
    evidence = item.fix_evidence
    assert item.status == "reported" and item.reported_by == world.liaison_b
    assert evidence.assignment == world.shares.b_lead and evidence.review_status == "pending"
    assert EvidenceRevision.objects.get(evidence=evidence).content_type == "application/pdf"
    assert Notification.objects.filter(recipient=world.office_staff, title__contains="城关镇").exists()


def test_a_fix_file_the_evidence_checks_refuse_is_refused_and_nothing_changes(world):
    item = _item(world)
    bad = SimpleUploadedFile("整改.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    with pytest.raises(ValidationError):
        rectification_report(item=item, by=world.liaison_b, note="已整改", assignment=world.shares.b_lead, upload=bad)
    item.refresh_from_db()
    assert item.status == "open" and not Evidence.objects.exists()


def test_a_fix_without_evidence_or_with_another_units_evidence_is_refused(world):
    item = _item(world)
    with pytest.raises(ValidationError, match="佐证"):
        rectification_report(item=item, by=world.liaison_b, note="已整改")
    theirs = Evidence.objects.create(
        assignment=world.shares.a_soon, campaign=world.campaign, kind="summary", title="别的单位的"
    )
    with pytest.raises(PermissionDenied):  # another unit's liaison cannot report on B's item
        rectification_report(item=item, by=world.liaison_a, note="已整改", evidence=theirs)
    with pytest.raises(ValidationError, match="本单位"):
        rectification_report(item=item, by=world.liaison_b, note="已整改", evidence=theirs)
    with pytest.raises(ValidationError, match="本单位"):  # a file onto another unit's task
        rectification_report(
            item=item, by=world.liaison_b, note="已整改", assignment=world.shares.a_soon, upload=_pdf()
        )
    item.refresh_from_db()
    assert item.status == "open" and item.fix_evidence is None


def test_closing_without_evidence_is_refused_and_a_unit_cannot_close(world):
    item = _item(world)
    with pytest.raises(ValidationError, match="销号须有整改佐证"):
        rectification_close(item=item, by=world.office_staff, note="看过了")
    mine = Evidence.objects.create(
        assignment=world.shares.b_lead, campaign=world.campaign, kind="summary", title="情况"
    )
    rectification_report(item=item, by=world.liaison_b, note="已整改", evidence=mine)
    with pytest.raises(PermissionDenied):
        rectification_close(item=item, by=world.liaison_b)
    with pytest.raises(PermissionDenied):
        rectification_close(item=item, by=world.leader_b)
    item.refresh_from_db()
    assert item.status == "reported"
    rectification_close(item=item, by=world.office_staff, note="核验属实")
    item.refresh_from_db()
    assert (item.status, item.closing_evidence, item.closed_by) == ("closed", mine, world.office_staff)
    with pytest.raises(ValidationError, match="已销号"):
        rectification_close(item=item, by=world.office_staff)


def test_the_office_sends_a_fix_back_and_the_unit_reports_again(world):
    item = _item(world)
    mine = Evidence.objects.create(
        assignment=world.shares.b_lead, campaign=world.campaign, kind="summary", title="情况"
    )
    with pytest.raises(ValidationError, match="只有已报送"):
        rectification_send_back(item=item, by=world.office_staff, comment="不够")
    rectification_report(item=item, by=world.liaison_b, note="已整改", evidence=mine)
    with pytest.raises(ValidationError, match="退回原因"):
        rectification_send_back(item=item, by=world.office_staff, comment=" ")
    rectification_send_back(item=item, by=world.office_staff, comment="缺少公开截图")
    item.refresh_from_db()
    assert item.status == "returned" and item.return_comment == "缺少公开截图"
    assert Notification.objects.filter(recipient=world.liaison_b, title__contains="退回").exists()
    rectification_report(item=item, by=world.liaison_b, note="补充截图", evidence=mine)
    item.refresh_from_db()
    assert item.status == "reported"


def test_inspection_stays_refused_while_any_pool_item_is_open_or_waiting_for_the_office(world):
    item = _item(world, source=S.SURVEY)
    Campaign.objects.filter(pk=world.campaign.pk).update(stage="recommended")
    world.campaign.refresh_from_db()
    with pytest.raises(ValidationError, match="问题池"):
        campaign_move_stage(campaign=world.campaign, to_stage="inspection", by=world.office_admin)
    mine = Evidence.objects.create(
        assignment=world.shares.b_lead, campaign=world.campaign, kind="summary", title="情况"
    )
    rectification_report(item=item, by=world.liaison_b, note="已整改", evidence=mine)
    with pytest.raises(ValidationError, match="问题池"):  # reported is not closed
        campaign_move_stage(campaign=world.campaign, to_stage="inspection", by=world.office_admin)
    rectification_close(item=item, by=world.office_staff)
    campaign_move_stage(campaign=world.campaign, to_stage="inspection", by=world.office_admin)
    assert world.campaign.stage == "inspection"


def test_overdue_items_get_reminders_and_reported_ones_do_not(world):
    _item(world, days=-2)
    waiting = _item(world, days=1, key="reported")
    mine = Evidence.objects.create(assignment=world.shares.b_lead, campaign=world.campaign, kind="summary", title="x")
    rectification_report(item=waiting, by=world.liaison_b, note="已整改", evidence=mine)
    pool = [s for s in reminders_send(today=TODAY) if s.__class__.__name__ == "SentRectification"]
    assert [(s.kind, s.item.deadline) for s in pool] == [("overdue", TODAY - datetime.timedelta(days=2))]
    assert [s for s in reminders_send(today=TODAY) if s.__class__.__name__ == "SentRectification"] == []


def test_overdue_items_join_the_accountability_board_and_counts_agree_with_the_list(world):
    _item(world, unit=world.unit_a, days=-4)
    _item(world, unit=world.unit_a, days=5, key="later")
    board = {r["unit"].pk: r for r in accountability_board(campaign=world.campaign, today=TODAY)}
    row = board[world.unit_a.pk]
    assert row["pool_overdue"] == 1
    assert any(i["url"].startswith("/campaigns/rectifications/") and i["days_overdue"] == 4 for i in row["items"])
    counts = pool_counts(world.campaign, TODAY)
    for name in ("open", "overdue", "reported", "closed"):
        assert counts[name] == pool_items(world.office_staff, world.campaign, status=name, today=TODAY).count()
    assert (counts["open"], counts["overdue"]) == (2, 1)


def test_the_unit_sees_its_own_items_only_and_reports_from_the_page(client, world):
    b_item = _item(world)
    a_item = _item(world, unit=world.unit_a, key="a")
    client.force_login(world.liaison_b)
    listed = [r.pk for r in client.get(reverse("assessment:rectifications")).context["items"]]
    assert listed == [b_item.pk]
    assert client.get(a_item.get_absolute_url()).status_code == 404
    page = client.get(b_item.get_absolute_url())
    assert page.status_code == 200 and "报送整改情况" in page.content.decode()
    response = client.post(
        reverse("assessment:rectification_report", args=[b_item.pk]),
        {"note": "已公开", "task": world.shares.b_lead.pk, "kind": "document", "file": _pdf()},
    )
    assert response.status_code == 302
    b_item.refresh_from_db()
    assert b_item.status == "reported" and b_item.fix_evidence.title == "整改报告.pdf"


def test_a_report_without_evidence_from_the_page_is_a_clear_message(client, world):
    item = _item(world)
    client.force_login(world.liaison_b)
    response = client.post(reverse("assessment:rectification_report", args=[item.pk]), {"note": "已整改"}, follow=True)
    assert "须附佐证材料" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "open"


def test_the_pool_filters_by_status_and_source(client, world):
    _item(world, key="x")
    _item(world, source=S.OWN_INSPECTION, days=-1, key="y")
    client.force_login(world.office_staff)
    url = reverse("assessment:rectifications")
    assert len(client.get(url, {"status": "overdue"}).context["items"]) == 1
    assert len(client.get(url, {"source": "assessor"}).context["items"]) == 1
    assert len(client.get(url, {"status": "nonsense", "source": "nonsense"}).context["items"]) == 2


def test_the_office_adds_an_item_from_the_page(client, world):
    client.force_login(world.office_staff)
    response = client.post(
        reverse("assessment:rectification_new"),
        {
            "source": "own_inspection",
            "detail": "县司法局窗口",
            "indicator": world.indicators[0].pk,
            "owner": world.unit_a.pk,
            "measure": "补齐窗口公示",
            "deadline": "2030-01-31",
        },
    )
    item = Rectification.objects.get()
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    assert (item.source, item.owner, item.indicator) == ("own_inspection", world.unit_a, world.indicators[0])
    client.force_login(world.liaison_a)
    assert client.get(reverse("assessment:rectification_new")).status_code == 403
