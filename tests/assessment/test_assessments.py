"""Self-assessment, suggestions, rectification, the Excel round trip, the dashboard and its drill-downs."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from assessment.models import Assessment, DailySnapshot, Rectification
from assessment.selectors import assessment_suggestions
from assessment.services import assessment_save, rectification_close, snapshot_take
from assignments.models import Assignment
from assignments.reminders import reminders_send
from campaign.models import Campaign
from campaign.services import campaign_move_stage
from core.models import Notification
from evidence.models import Evidence
from tests.factories import make_assignment

pytestmark = pytest.mark.django_db
R = Assessment.Result


def _evidence(share, status="accepted"):
    return Evidence.objects.create(
        assignment=share, campaign_id=share.campaign_id, kind="summary", title="简介", review_status=status
    )


def test_suggestions_follow_the_evidence(world):
    i1, i2, i3 = world.indicators
    _evidence(world.shares.a_overdue)
    Assignment.objects.filter(pk=world.shares.a_overdue.pk).update(status="accepted")  # 1.1.1: its only share accepted
    _evidence(world.shares.a_soon)  # 1.1.2: evidence accepted, but the lead's share is not
    suggestions = assessment_suggestions(world.campaign)
    assert suggestions[i1.pk] == R.MET and suggestions[i2.pk] == R.PARTIAL and suggestions[i3.pk] == R.NOT_MET


def test_score_above_the_indicators_score_is_refused(world):
    from decimal import Decimal

    from django.core.exceptions import ValidationError

    i1 = world.indicators[0]
    i1.score = Decimal("1.5")
    i1.save()
    with pytest.raises(ValidationError, match="0 到 1.5"):
        assessment_save(
            campaign=world.campaign, indicator=i1, by=world.office_staff, result=R.MET, self_score=Decimal("2")
        )
    with pytest.raises(ValidationError):
        assessment_save(
            campaign=world.campaign, indicator=i1, by=world.office_staff, result=R.NOT_MET, veto_triggered=True
        )
    assert not Assessment.objects.exists()


def test_shortfall_becomes_a_rectification_item_that_blocks_inspection(world):
    i1 = world.indicators[0]
    rect = {"measure": "补充制定审批服务清单", "owner": world.unit_b, "deadline": datetime.date(2026, 3, 31)}
    assessment_save(
        campaign=world.campaign,
        indicator=i1,
        by=world.office_staff,
        result=R.PARTIAL,
        shortfall="清单未公开",
        rectification=rect,
    )
    item = Rectification.objects.get()
    assert (
        item.owner == world.unit_b
        and Notification.objects.filter(recipient=world.liaison_b, title__contains="整改").exists()
    )
    from django.core.exceptions import ValidationError

    Campaign.objects.filter(pk=world.campaign.pk).update(stage="recommended")
    world.campaign.refresh_from_db()
    with pytest.raises(ValidationError, match="问题池|销号"):
        campaign_move_stage(campaign=world.campaign, to_stage="inspection", by=world.office_admin)
    rectification_close(
        item=item, by=world.office_staff, note="已在政府网站公开", evidence=_evidence(world.shares.b_lead)
    )
    campaign_move_stage(campaign=world.campaign, to_stage="inspection", by=world.office_admin)
    assert world.campaign.stage == "inspection"


def test_rectification_reminders_go_once_to_the_owner(world):
    assessment = Assessment.objects.create(campaign=world.campaign, indicator=world.indicators[0], result=R.NOT_MET)
    Rectification.objects.create(
        campaign=world.campaign,
        assessment=assessment,
        owner=world.unit_b,
        measure="整改",
        deadline=datetime.date(2026, 3, 10),
    )
    Assignment.objects.all().delete()
    assert [s.kind for s in reminders_send(today=datetime.date(2026, 3, 9))] == ["d1"]
    assert reminders_send(today=datetime.date(2026, 3, 9)) == []
    assert [s.kind for s in reminders_send(today=datetime.date(2026, 3, 12))] == ["overdue"]
    assert Notification.objects.filter(recipient=world.liaison_b).count() == 2


def test_only_the_office_closes_a_rectification_item_the_owner_sees_no_close_button(client, world):
    assessment = Assessment.objects.create(campaign=world.campaign, indicator=world.indicators[0], result=R.NOT_MET)
    item = Rectification.objects.create(
        campaign=world.campaign,
        assessment=assessment,
        owner=world.unit_b,
        measure="整改",
        deadline=datetime.date(2030, 1, 1),
    )
    item.fix_evidence = _evidence(world.shares.b_lead)
    item.status = "reported"
    item.save()
    close = reverse("assessment:rectification_close", args=[item.pk])
    client.force_login(world.liaison_a)
    assert client.post(close, {"note": "完成"}).status_code == 404
    assert item.pk not in [r.pk for r in client.get(reverse("assessment:rectifications")).context["items"]]
    client.force_login(world.liaison_b)  # the owner unit's liaison: sees the item, no 销号 button, and cannot post it
    assert item.pk in [r.pk for r in client.get(reverse("assessment:rectifications")).context["items"]]
    page = client.get(item.get_absolute_url()).content.decode()
    assert "已报整改" in page and "销号</button>" not in page and close not in page
    assert client.post(close, {"note": "已完成整改"}).status_code == 403
    item.refresh_from_db()
    assert item.status == "reported"
    with pytest.raises(PermissionDenied):
        rectification_close(item=item, by=world.liaison_b, note="已完成整改")
    client.force_login(world.office_staff)
    assert close in client.get(item.get_absolute_url()).content.decode()
    client.post(close, {"note": "已完成整改"})
    item.refresh_from_db()
    assert item.status == "closed" and item.closed_by == world.office_staff


def test_office_records_an_assessment_in_the_form(client, world):
    client.force_login(world.office_staff)
    url = reverse("assessment:edit", args=[world.indicators[1].pk])
    response = client.post(url, {"result": "not_met", "status": "done", "measure": "补短板"})
    assert "须同时选择责任单位和整改时限" in response.content.decode()
    response = client.post(url, {"result": "met", "status": "done", "practice": "建立了制度", "self_score": ""})
    assert response.status_code == 302
    a = Assessment.objects.get(indicator=world.indicators[1])
    assert (a.result, a.practice) == ("met", "建立了制度")


def _table(rows, encoding="utf-8"):
    import csv

    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["code", "result", "self_score", "narrative"])
    w.writerows(rows)
    return out.getvalue().encode(encoding)


def test_excel_import_previews_then_writes_all(client, world):
    client.force_login(world.office_staff)
    data = _table(
        [["1.1.1", "达标", "", "做法一"], ["1.1.2", "基本达标", "", ""], ["1.1.3", "not_applicable", "", ""]], "gbk"
    )
    response = client.post(reverse("assessment:import"), {"file": SimpleUploadedFile("自评.csv", data)})
    assert "新增 3" in response.content.decode() and not Assessment.objects.exists()
    client.post(reverse("assessment:import_confirm"), {"token": response.context["token"]})
    assert dict(Assessment.objects.values_list("indicator__code", "result")) == {
        "1.1.1": "met",
        "1.1.2": "partial",
        "1.1.3": "not_applicable",
    }
    assert Assessment.objects.get(indicator__code="1.1.1").practice == "做法一"


def test_excel_import_with_bad_rows_shows_row_numbers_and_writes_nothing(client, world):
    client.force_login(world.office_staff)
    data = _table(
        [
            ["1.1.1", "达标", "", ""],
            ["9.9.9", "达标", "", ""],
            ["1.1.2", "差不多", "", ""],
            ["1.1.3", "达标", "abc", ""],
        ]
    )
    response = client.post(reverse("assessment:import"), {"file": SimpleUploadedFile("自评.csv", data)})
    body = response.content.decode()
    assert "第 3 行" in body and "9.9.9" in body and "第 4 行" in body and "差不多" in body and "第 5 行" in body
    assert response.context["token"] == "" and not Assessment.objects.exists()


def test_excel_round_trip_through_the_commands(world, tmp_path, capsys):
    assessment_save(campaign=world.campaign, indicator=world.indicators[0], by=None, result=R.MET, practice="做法")
    out = tmp_path / "a.xlsx"
    call_command("export_assessments", "--campaign", world.campaign.slug, "--format", "xlsx", "-o", str(out))
    call_command("import_assessments", str(out), "--campaign", world.campaign.slug)
    assert "0 new, 0 updated" in capsys.readouterr().out
    call_command("eligibility", "--campaign", world.campaign.slug)
    text = capsys.readouterr().out
    assert "met: 1" in text and "applicable: 3" in text and "eligible: no" in text and "blocking: 1.1.2, 1.1.3" in text


def test_dashboard_numbers_equal_the_lists_they_drill_into(client, world):
    assessment_save(campaign=world.campaign, indicator=world.indicators[0], by=None, result=R.MET)
    assessment_save(campaign=world.campaign, indicator=world.indicators[1], by=None, result=R.NOT_MET)
    _evidence(world.shares.a_overdue)
    _evidence(world.shares.a_soon, "pending")
    _evidence(world.shares.b_lead, "returned")
    client.force_login(world.office_admin)
    ctx = client.get(reverse("assessment:dashboard")).context
    alist = reverse("assessment:list")
    for key, query in (
        ("met", "met"),
        ("not_met", "not_met"),
        ("partial", "partial"),
        ("not_applicable", "not_applicable"),
        ("", "none"),
    ):
        assert ctx["eligibility"].counts[key] == len(client.get(alist, {"result": query}).context["rows"])
    for key in ("accepted", "pending", "returned"):
        assert (
            ctx["evidence"][key]
            == client.get(reverse("evidence:queue"), {"review": key}).context["page"].paginator.count
        )
    tasks = reverse("assignments:list")
    assert ctx["shares"]["overdue"] == client.get(tasks, {"overdue": "true"}).context["page"].paginator.count
    assert ctx["shares"]["accepted"] == client.get(tasks, {"status": "accepted"}).context["page"].paginator.count
    for bar in ctx["departments"] + ctx["townships"]:
        assert bar["total"] == client.get(bar["link"]).context["page"].paginator.count


def test_unit_view_shows_only_the_units_work(client, world):
    client.force_login(world.leader_b)
    response = client.get(reverse("assessment:dashboard"))
    assert "assessment/dashboard_unit.html" in [t.name for t in response.templates]
    assert response.context["shares"]["total"] == 1


def test_dashboard_query_count_is_constant_as_data_grows(
    client, world, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client.force_login(world.office_admin)
    with django_assert_max_num_queries(25) as small:
        client.get(reverse("assessment:dashboard"))
    from indicators.models import Indicator

    mid = world.indicators[0].parent
    for n in range(20, 80):
        ind = Indicator.objects.create(
            framework=world.campaign.framework, parent=mid, level=3, code=f"1.1.{n}", position=n, title=f"追加{n}"
        )
        share = make_assignment(world.campaign, ind, world.unit_b if n % 2 else world.unit_a, days=n - 50)
        _evidence(share)
        assessment_save(campaign=world.campaign, indicator=ind, by=None, result=R.MET)
    from core.figures_cache import dashboard_touch

    with django_capture_on_commit_callbacks(execute=True):
        dashboard_touch(world.campaign.pk)  # the figures are cached between changes: measure the computation itself
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("assessment:dashboard"))


def test_dashboard_figures_are_cached_until_a_change_commits(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.office_admin)
    before = client.get(reverse("assessment:dashboard")).context["evidence"]["accepted"]
    Evidence.objects.create(
        assignment=world.shares.a_soon, campaign=world.campaign, kind="summary", title="x", review_status="accepted"
    )
    assert (
        client.get(reverse("assessment:dashboard")).context["evidence"]["accepted"] == before
    )  # nothing told the cache
    from core.figures_cache import dashboard_touch

    with django_capture_on_commit_callbacks(execute=True):
        dashboard_touch(world.campaign.pk)
    assert client.get(reverse("assessment:dashboard")).context["evidence"]["accepted"] == before + 1


def test_services_invalidate_the_figures(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.office_admin)
    assert client.get(reverse("assessment:dashboard")).context["shares"]["accepted"] == 0
    Assignment.objects.filter(pk=world.shares.a_soon.pk).update(status="submitted")
    world.shares.a_soon.refresh_from_db()
    from assignments.services import assignment_transition

    with django_capture_on_commit_callbacks(execute=True):
        assignment_transition(assignment=world.shares.a_soon, to_status="accepted", by=world.office_staff)
    assert client.get(reverse("assessment:dashboard")).context["shares"]["accepted"] == 1


def test_snapshots_feed_the_trend_and_are_idempotent(client, world):
    _evidence(world.shares.a_overdue)
    snapshot_take(campaign=world.campaign, day=datetime.date(2026, 3, 1))
    snapshot_take(campaign=world.campaign, day=datetime.date(2026, 3, 1))
    _evidence(world.shares.a_soon)
    snapshot_take(campaign=world.campaign, day=datetime.date(2026, 3, 2))
    assert list(DailySnapshot.objects.values_list("day", "evidence_accepted")) == [
        (datetime.date(2026, 3, 1), 1),
        (datetime.date(2026, 3, 2), 2),
    ]
    from assessment.tasks import take_snapshots

    assert take_snapshots.apply().get() == 1


def test_level1_bars_count_met_indicators_and_drill_into_their_list(client, world):
    assessment_save(campaign=world.campaign, indicator=world.indicators[0], by=None, result=R.MET)
    client.force_login(world.office_admin)
    bar = client.get(reverse("assessment:dashboard")).context["level1"][0]
    assert (bar["done"], bar["total"]) == (1, 3)
    rows = client.get(bar["link"]).context["rows"]
    assert len(rows) == bar["total"] and sum(r["result"] == "met" for r in rows) == bar["done"]


def test_excel_import_audits_what_each_row_changed(client, world):
    from core.models import AuditEvent

    assessment_save(campaign=world.campaign, indicator=world.indicators[0], by=None, result=R.PARTIAL, practice="做法")
    client.force_login(world.office_staff)
    response = client.post(
        reverse("assessment:import"), {"file": SimpleUploadedFile("自评.csv", _table([["1.1.1", "达标", "", "做法"]]))}
    )
    client.post(reverse("assessment:import_confirm"), {"token": response.context["token"]})
    event = AuditEvent.objects.filter(verb="assessed", actor=world.office_staff).get()
    assert event.before == {"result": "partial"} and event.after == {"result": "met", "via": "import"}


def test_assessment_page_shows_the_indicators_evidence_with_its_review_status(client, world):
    Evidence.objects.filter(pk=_evidence(world.shares.a_soon, "accepted").pk).update(title="制度文件")
    _evidence(world.shares.b_lead, "pending")
    client.force_login(world.office_staff)
    page = client.get(reverse("assessment:edit", args=[world.indicators[1].pk])).content.decode()
    evidence = page[page.index('id="evidence"') : page.index("</details>")]
    assert "制度文件" in evidence and "县司法局" in evidence and "已通过" in evidence
    assert "简介" in evidence and "城关镇" in evidence and "待审核" in evidence
    assert "data-score-full" in page  # the page's script proposes the full score when 达标 is chosen


@pytest.mark.parametrize(
    "result, score, warned",
    [("partial", "2", True), ("not_met", "1.5", True), ("met", "2", False), ("partial", "1", False)],
)
def test_a_score_that_does_not_fit_the_result_is_saved_with_a_warning(client, world, result, score, warned):
    indicator = world.indicators[1]
    indicator.score = 2
    indicator.save()
    client.force_login(world.office_staff)
    url = reverse("assessment:edit", args=[indicator.pk])
    response = client.post(url, {"result": result, "status": "done", "self_score": score}, follow=True)
    assert Assessment.objects.get(indicator=indicator).result == result
    body = response.content.decode()
    assert ("alert-warning" in body and ("满分" in body or "过半" in body)) == warned
    assert response.redirect_chain[-1][0] == (url if warned else reverse("assessment:list"))


def test_the_assessment_table_speaks_chinese_and_the_import_reads_both(client, world):
    client.force_login(world.office_staff)
    exported = client.get(reverse("assessment:export"), {"format": "csv"}).content.decode("utf-8-sig")
    assert exported.splitlines()[0].startswith("编码,三级指标,自评结果,自评分,分值,主要做法,工作成效,特色亮点,存在不足")
    assert "code" not in exported.splitlines()[0]
    chinese = "编码,自评结果,自评分,主要做法,工作成效\n1.1.1,达标,,做法一,成效一\n".encode()
    response = client.post(reverse("assessment:import"), {"file": SimpleUploadedFile("自评.csv", chinese)})
    assert "新增 1" in response.content.decode()
    client.post(reverse("assessment:import_confirm"), {"token": response.context["token"]})
    a = Assessment.objects.get(indicator__code="1.1.1")
    assert (a.result, a.practice, a.outcomes) == ("met", "做法一", "成效一")
    page = client.get(reverse("assessment:import")).content.decode()
    assert "自评结果" in page and "self_score" not in page
