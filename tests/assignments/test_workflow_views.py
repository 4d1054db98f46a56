"""The workflow's pages: my tasks, the share page, the office list, bulk actions,
the accountability board, formal notices and messages."""

import datetime
import io
import re
from urllib.parse import quote

import openpyxl
import pytest
from django.urls import reverse

from assignments.models import Assignment
from assignments.services import assignment_transition
from core.models import AuditEvent, Notification
from tests.factories import make_assignment

pytestmark = pytest.mark.django_db
S = Assignment.Status


def _status(share, status):
    Assignment.objects.filter(pk=share.pk).update(status=status)
    share.refresh_from_db()
    return share


def test_liaison_submits_and_office_returns_with_a_comment_shown_on_my_tasks(client, world):
    share = world.shares.a_soon
    client.force_login(world.liaison_a)
    response = client.post(reverse("assignments:move", args=[share.pk]), {"to_status": "submitted"})
    assert response.status_code == 302
    client.force_login(world.office_staff)
    client.post(reverse("assignments:move", args=[share.pk]), {"to_status": "returned", "comment": "缺少会议纪要"})
    client.force_login(world.liaison_a)
    response = client.get("/")
    assert [a.pk for a in response.context["groups"]["returned"]] == [share.pk]
    assert "退回意见： 缺少会议纪要" in response.content.decode()


def test_return_without_comment_shows_a_message_and_changes_nothing(client, world):
    share = _status(world.shares.a_soon, S.SUBMITTED)
    client.force_login(world.office_staff)
    response = client.post(
        reverse("assignments:move", args=[share.pk]), {"to_status": "returned", "comment": ""}, follow=True
    )
    assert "请写明退回原因" in response.content.decode()
    share.refresh_from_db()
    assert share.status == S.SUBMITTED


def test_bogus_status_is_refused_without_a_500(client, world):
    client.force_login(world.liaison_a)
    response = client.post(
        reverse("assignments:move", args=[world.shares.a_soon.pk]), {"to_status": "deleted"}, follow=True
    )
    assert response.status_code == 200 and "请求无效" in response.content.decode()


def test_share_page_shows_history_rollup_and_only_allowed_actions(client, world):
    share = world.shares.a_soon  # unit A cooperates on 1.1.2, led by unit B
    client.force_login(world.liaison_a)
    body = client.get(share.get_absolute_url()).content.decode()
    assert "提交审核" in body and "通过" not in body.split("本指标全部责任单位")[0].split("下一步")[1]
    assert "城关镇" in body  # the lead's share is listed in the roll-up
    assert "调整任务分工" not in body
    client.force_login(world.office_staff)
    body = client.get(share.get_absolute_url()).content.decode()
    assert "调整任务分工" in body and "提交审核" not in body


def test_share_page_shows_the_units_own_share_first_and_folds_the_others_with_a_count(client, world):
    from tests.factories import UnitFactory

    share = world.shares.a_soon  # unit A cooperates on 1.1.2, led by unit B
    for n in range(5):
        make_assignment(world.campaign, share.indicator, UnitFactory(name=f"配合局{n}"), Assignment.Role.COOPERATING)
    client.force_login(world.liaison_a)
    body = client.get(share.get_absolute_url()).content.decode()
    own = body.index("data-own-share")
    folded = body.index("data-other-shares")
    assert own < folded and "县司法局" in body[own:folded] and "城关镇" not in body[own:folded]
    others = body[folded : body.index("</details>", folded)]
    assert "其他责任单位 6 个" in others and "城关镇" in others and "配合局4" in others and "县司法局" not in others


def test_office_changes_deadline_reassigns_adds_and_removes(client, world):
    share = world.shares.a_soon
    client.force_login(world.office_staff)
    client.post(reverse("assignments:deadline", args=[share.pk]), {"deadline": "2031-05-31"})
    share.refresh_from_db()
    assert share.deadline == datetime.date(2031, 5, 31)
    client.post(reverse("assignments:add_unit", args=[share.pk]), {"unit": world.office.pk})
    assert Assignment.objects.filter(indicator=share.indicator, unit=world.office, role="cooperating").exists()
    response = client.post(reverse("assignments:add_unit", args=[share.pk]), {"unit": world.office.pk}, follow=True)
    assert "已承担此项指标的任务" in response.content.decode()
    client.post(reverse("assignments:reassign", args=[share.pk]), {"unit": world.city.pk})  # not a work unit
    share.refresh_from_db()
    assert share.unit == world.unit_a
    response = client.post(reverse("assignments:remove", args=[share.pk]), {"confirm": "1"})
    assert response.status_code == 302 and not Assignment.objects.filter(pk=share.pk).exists()
    lead = world.shares.b_lead
    response = client.post(reverse("assignments:remove", args=[lead.pk]), {"confirm": "1"}, follow=True)
    assert "牵头单位不能删除" in response.content.decode()
    assert AuditEvent.objects.filter(verb="deleted", object_id=str(share.pk)).exists()


def test_office_list_filters(client, world):
    client.force_login(world.office_staff)
    url = reverse("assignments:list")
    assert client.get(url).context["page"].paginator.count == 4
    assert [a.pk for a in client.get(url, {"overdue": "true"}).context["page"]] == [world.shares.a_overdue.pk]
    body = client.get(url).content.decode()
    overdue_select = body[body.index('name="overdue"') : body.index("</select>", body.index('name="overdue"'))]
    assert "全部" in overdue_select and "未知" not in overdue_select
    assert {a.unit_id for a in client.get(url, {"unit_kind": "township"}).context["page"]} == {world.unit_b.pk}
    assert client.get(url, {"status": "accepted"}).context["page"].paginator.count == 0
    assert client.get(url, {"q": "1.1.3"}).context["page"].paginator.count == 1
    level1 = world.indicators[0].parent.parent
    assert client.get(url, {"level1": level1.pk}).context["page"].paginator.count == 4
    response = client.get(url, {"status": "nonsense", "page": "x", "unit": "not-a-uuid"})
    assert response.status_code == 200


def test_office_list_query_count_is_constant(client, world, django_assert_max_num_queries):
    client.force_login(world.office_staff)
    url = reverse("assignments:list")
    with django_assert_max_num_queries(16) as small:
        client.get(url)
    from indicators.models import Indicator

    mid = world.indicators[0].parent
    for i in range(20, 45):
        ind = Indicator.objects.create(
            framework=world.campaign.framework, parent=mid, level=3, code=f"1.1.{i}", position=i, title=f"追加{i}"
        )
        make_assignment(world.campaign, ind, world.unit_b, days=i)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_office_list_exports_xlsx(client, world):
    client.force_login(world.office_admin)
    response = client.get(reverse("assignments:list"), {"export": "xlsx", "unit_kind": "department"})
    assert response.status_code == 200 and response.content[:2] == b"PK"
    import io

    import openpyxl

    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:3] == ("campaign", "code", "level3") and len(rows) == 4


def _confirmed(client, url, data):
    """A bulk action as the office makes it: the confirmation page, then its button."""
    page = client.post(url, data)
    assert page.status_code == 200 and "bulk-units" in page.content.decode()
    return client.post(url, {**data, "confirm": "1", "digest": page.context["digest"]})


def test_bulk_set_deadline_and_remind_on_selected_and_on_all_filtered(client, world):
    client.force_login(world.office_staff)
    url = reverse("assignments:bulk")
    _confirmed(client, url, {"action": "deadline", "deadline": "2030-06-30", "selected": [world.shares.a_overdue.pk]})
    world.shares.a_overdue.refresh_from_db()
    assert world.shares.a_overdue.deadline == datetime.date(2030, 6, 30)
    _confirmed(client, f"{url}?unit_kind=township", {"action": "remind", "all_filtered": "on"})
    assert Notification.objects.filter(recipient=world.liaison_b, title__contains="提醒").count() == 1
    assert not Notification.objects.filter(recipient=world.liaison_a, title__contains="提醒").exists()
    response = client.post(url, {"action": "deadline"}, follow=True)
    assert "请至少选择一项任务" in response.content.decode() or "请填写完成时限" in response.content.decode()


def test_bulk_reminders_are_audited_per_share(client, world):
    from core.models import AuditEvent

    client.force_login(world.office_staff)
    _confirmed(
        client,
        reverse("assignments:bulk"),
        {"action": "remind", "selected": [world.shares.a_overdue.pk, world.shares.b_lead.pk]},
    )
    events = AuditEvent.objects.filter(verb="reminded", actor=world.office_staff)
    assert sorted(e.unit.code for e in events) == ["D16", "T01"]
    assert {e.object_id for e in events} == {str(world.shares.a_overdue.pk), str(world.shares.b_lead.pk)}


def test_a_share_holding_evidence_cannot_be_removed(client, world):
    from evidence.models import Evidence
    from evidence.services import evidence_add

    share = world.shares.a_soon
    evidence_add(assignment=share, kind=Evidence.Kind.SUMMARY, title="总结", text="做法", by=world.liaison_a)
    client.force_login(world.office_staff)
    response = client.post(reverse("assignments:remove", args=[share.pk]), {"confirm": "1"}, follow=True)
    assert "此任务已有 1 份佐证材料" in response.content.decode()
    assert Assignment.objects.filter(pk=share.pk).exists() and Evidence.objects.filter(assignment=share).count() == 1


def test_bulk_cannot_reach_outside_the_filtered_list(client, world):
    client.force_login(world.office_staff)
    client.post(
        f"{reverse('assignments:bulk')}?unit_kind=township",
        {"action": "deadline", "deadline": "2030-06-30", "selected": [world.shares.a_overdue.pk]},
    )
    world.shares.a_overdue.refresh_from_db()
    assert world.shares.a_overdue.deadline != datetime.date(2030, 6, 30)


def test_board_ranks_units_and_rates_them(client, world):
    _status(world.shares.b_lead, S.RETURNED)
    client.force_login(world.office_admin)
    rows = client.get(reverse("assignments:board")).context["rows"]
    assert [(r["unit"].code, r["rating"], r["overdue"], r["returned"]) for r in rows] == [
        ("D16", "amber", 1, 0),
        ("T01", "amber", 0, 1),
    ]
    from django.utils import timezone

    Assignment.objects.filter(pk=world.shares.a_overdue.pk).update(escalated_at=timezone.now())
    rows = client.get(reverse("assignments:board")).context["rows"]
    assert rows[0]["rating"] == "red"
    response = client.get(reverse("assignments:board"), {"export": "xlsx"})
    assert response.content[:2] == b"PK"
    # The export speaks the page's language: its name, the rating and the overdue items.
    assert quote("-督办-") in response["Content-Disposition"]
    first = [
        c.value
        for c in next(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, max_row=2))
    ]
    assert first[2] == "红" and re.search(r"（.+，逾期\d+天）", first[6])


def test_messages_page_and_read(client, world):
    share = _status(world.shares.a_soon, S.SUBMITTED)
    assignment_transition(assignment=share, to_status=S.RETURNED, by=world.office_staff, comment="请补充")
    client.force_login(world.liaison_a)
    response = client.get("/")
    assert response.context["unread_count"] == 1
    note = Notification.objects.get(recipient=world.liaison_a)
    response = client.post(reverse("core:notifications_read"), {"id": note.pk, "next": note.link})
    assert response["Location"] == share.get_absolute_url()
    assert client.get("/").context["unread_count"] == 0
    response = client.post(reverse("core:notifications_read"), {"next": "https://evil.example/"})
    assert "evil" not in response["Location"]


def test_leader_sees_what_awaits_sign_off_and_signs_it_off(client, world):
    share = world.shares.a_overdue
    assignment_transition(assignment=share, to_status="submitted", by=world.liaison_a)
    client.force_login(world.liaison_a)
    assert "单位负责人审签" not in client.get(share.get_absolute_url()).content.decode()  # the liaison cannot
    client.force_login(world.leader_a)
    home = client.get("/").content.decode()
    assert "待负责人审签 1" in home and 'href="#group-sign-off"' in home
    group = home[home.index('id="group-sign-off"') :].split("</section>")[0]
    assert "待我审签 · 1" in group and share.indicator.code in group
    first_section = home[home.index("<section") :].split("</section>")[0]
    assert 'id="group-sign-off"' in first_section  # the leader's own work comes first
    page = client.get(share.get_absolute_url()).content.decode()
    assert "单位负责人审签" in page
    response = client.post(reverse("assignments:sign_off", args=[share.pk]), follow=True)
    body = response.content.decode()
    assert "已审签" in body and str(world.leader_a) in body and "单位负责人审签" not in body
    client.force_login(world.office_staff)
    assert "已审签" in client.get(reverse("assignments:list")).content.decode()


def test_a_bulk_action_first_shows_how_many_tasks_and_which_units_and_changes_nothing(client, world):
    client.force_login(world.office_staff)
    url = reverse("assignments:bulk")
    data = {"action": "deadline", "deadline": "2031-01-31", "all_filtered": "on"}
    page = client.post(url, data)
    body = page.content.decode()
    assert page.status_code == 200 and "为 4 项任务设置时限" in body and "涉及 2 个单位" in body
    assert "县司法局" in body and "3 项任务" in body and "城关镇" in body and "2031-01-31" in body
    assert not Assignment.objects.filter(deadline=datetime.date(2031, 1, 31)).exists()
    assert not AuditEvent.objects.filter(verb="updated").exists()
    # A share joins the filter before the button is pressed: the page is shown again, nothing applied.
    from tests.factories import make_assignment

    make_assignment(world.campaign, world.indicators[2], world.unit_b, Assignment.Role.COOPERATING, days=9)
    again = client.post(url, {**data, "confirm": "1", "digest": page.context["digest"]})
    assert again.status_code == 200 and "为 5 项任务设置时限" in again.content.decode()
    assert "已有变化" in again.content.decode()
    assert not Assignment.objects.filter(deadline=datetime.date(2031, 1, 31)).exists()
    done = client.post(url, {**data, "confirm": "1", "digest": again.context["digest"]})
    assert done.status_code == 302 and Assignment.objects.filter(deadline=datetime.date(2031, 1, 31)).count() == 5


def test_removing_a_share_first_shows_which_unit_loses_what(client, world):
    share = world.shares.a_soon
    client.force_login(world.office_staff)
    page = client.post(reverse("assignments:remove", args=[share.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "移除县司法局的任务" in body and share.indicator.code in body
    assert Assignment.objects.filter(pk=share.pk).exists()
    assert client.post(reverse("assignments:remove", args=[share.pk]), {"confirm": "1"}).status_code == 302
    assert not Assignment.objects.filter(pk=share.pk).exists()


def test_accepting_a_share_with_evidence_waiting_for_review_is_refused_with_the_list(client, world):
    from evidence.models import Evidence
    from evidence.services import evidence_add, evidence_review

    share = world.shares.a_soon
    done = evidence_add(assignment=share, kind=Evidence.Kind.SUMMARY, title="已审总结", text="做法", by=world.liaison_a)
    waiting = [
        evidence_add(assignment=share, kind=Evidence.Kind.SUMMARY, title=f"待审{n}", text="做法", by=world.liaison_a)
        for n in range(2)
    ]
    evidence_review(evidence=done, decision="accepted", by=world.office_staff)
    client.force_login(world.liaison_a)
    client.post(reverse("assignments:move", args=[share.pk]), {"to_status": "submitted"})
    client.force_login(world.office_staff)
    response = client.post(reverse("assignments:move", args=[share.pk]), {"to_status": "accepted"})
    body = response.content.decode()
    assert response.status_code == 200 and "还有 2 份材料待审核" in body
    assert all(e.get_absolute_url() + "?queue=" in body for e in waiting) and "已审总结" not in body
    share.refresh_from_db()
    assert share.status == "submitted"
    for e in waiting:
        evidence_review(evidence=e, decision="accepted", by=world.office_staff)
    client.post(reverse("assignments:move", args=[share.pk]), {"to_status": "accepted"})
    share.refresh_from_db()
    assert share.status == "accepted"


def test_the_service_refuses_to_accept_a_share_while_its_evidence_waits(world):
    """Whoever calls it (a view, a command): the workflow asks the evidence floor through its hook."""
    from django.core.exceptions import ValidationError

    from assignments.services import AcceptRefused
    from evidence.models import Evidence
    from evidence.services import evidence_add, evidence_hide

    share = world.shares.a_soon
    waiting = evidence_add(assignment=share, kind=Evidence.Kind.SUMMARY, title="待审", text="做法", by=world.liaison_a)
    share.refresh_from_db()  # adding evidence started the work
    assignment_transition(assignment=share, to_status="submitted", by=world.liaison_a)
    with pytest.raises(AcceptRefused) as refused:
        assignment_transition(assignment=share, to_status="accepted", by=world.office_staff)
    assert [i["title"] for i in refused.value.items] == ["待审"] and isinstance(refused.value, ValidationError)
    share.refresh_from_db()
    assert share.status == "submitted"
    evidence_hide(evidence=waiting, by=world.liaison_a)  # a deleted piece is no longer in the way
    assignment_transition(assignment=share, to_status="accepted", by=world.office_staff)
    share.refresh_from_db()
    assert share.status == "accepted"
