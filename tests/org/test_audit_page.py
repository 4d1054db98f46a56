from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import AuditEvent
from org.services import unit_upsert

pytestmark = pytest.mark.django_db
URL = reverse("org:audit")


@pytest.mark.parametrize(
    "persona, status",
    [
        ("office_admin", 200),
        ("superuser", 200),
        ("office_staff", 403),
        ("leader_a", 403),
        ("liaison_a", 403),
        ("city_reviewer", 403),
        ("nobody", 403),
    ],
)
def test_audit_page_is_for_office_admins(client, world, persona, status):
    client.force_login(getattr(world, persona))
    assert client.get(URL).status_code == status


def test_audit_page_anonymous_goes_to_login(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_audit_page_shows_before_and_after_of_a_change(client, world):
    unit_upsert(code="D16", short_name="司法局", by=world.office_admin)
    client.force_login(world.office_admin)
    response = client.get(URL, {"verb": "updated"})
    events = list(response.context["page"])
    assert [e.verb for e in events] == ["updated"]
    assert events[0].before == {"short_name": "县司法局"} and events[0].after == {"short_name": "司法局"}
    assert "县司法局 → 司法局" in response.content.decode()


def test_audit_page_filters_by_user_unit_and_date(client, world):
    client.force_login(world.office_admin)
    response = client.get(URL, {"unit": str(world.unit_b.pk)})
    assert {e.unit_id for e in response.context["page"]} == {world.unit_b.pk}
    response = client.get(URL, {"actor": "nobody-at-all"})
    assert list(response.context["page"]) == []
    response = client.get(URL, {"date_from": "2999-01-01"})
    assert list(response.context["page"]) == []


def test_audit_page_bad_filter_values_are_ignored_with_a_message(client, world):
    client.force_login(world.office_admin)
    response = client.get(URL, {"date_from": "not-a-date", "unit": "nope", "page": "zzz"})
    assert response.status_code == 200
    assert "筛选条件无效" in response.content.decode()


def test_audit_page_query_count_is_flat(client, world, django_assert_max_num_queries):
    # 15: the header's campaign switcher reads the county's open campaigns (one query, every page).
    for n in range(30):
        AuditEvent.objects.create(verb="updated", object_type="x.y", object_repr=f"o{n}", unit=world.unit_a)
    client.force_login(world.office_admin)
    with django_assert_max_num_queries(15):
        client.get(URL)


def test_audit_export_is_filtered_and_formula_escaped(client, world):
    import io

    import openpyxl

    from core.audit import audit_record

    audit_record(
        actor=world.office_admin,
        verb="updated",
        obj=world.unit_a,
        unit=world.unit_a,
        after={"note": "=cmd|' /C calc'!A0"},
    )
    client.force_login(world.office_admin)
    response = client.get(URL, {"export": "xlsx", "unit": str(world.unit_a.pk)})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:3] == ("time", "user", "action")
    assert all(r[5] == "县司法局" for r in rows[1:]) and len(rows) > 1
    assert all(not (isinstance(v, str) and v.startswith("=")) for r in rows for v in r)
    client.force_login(world.office_staff)
    assert client.get(URL, {"export": "xlsx"}).status_code == 403


def test_audit_page_shows_actions_and_coded_values_in_words(client, world):
    """A status change reads 状态：未开始 → 已提交 under 变更状态, not not_started → submitted."""
    from assignments.services import assignment_transition

    assignment_transition(assignment=world.shares.a_overdue, to_status="submitted", by=world.liaison_a)
    client.force_login(world.office_admin)
    body = client.get(URL, {"verb": "status_changed"}).content.decode()
    assert "变更状态" in body and "未开始 → 已提交" in body
    rows = body[body.index("<tbody") : body.index("</tbody>")]
    assert "not_started" not in rows and "status_changed" not in rows


def test_audit_page_reads_as_people_do_empty_values_unit_names_and_report_labels(client, world):
    """自评分: None → 0.5 reads 未填 → 0.5; 单位 T02 reads the unit's name; a report job is named by
    the campaign and the report, not "demo-2026 pdf"."""
    from assessment.services import assessment_save
    from assignments.services import assignment_add_unit
    from reports.services import report_request

    indicator = world.indicators[0]
    assessment_save(
        campaign=world.campaign, indicator=indicator, by=world.office_admin, result="partial", status="todo"
    )
    assessment_save(
        campaign=world.campaign,
        indicator=indicator,
        by=world.office_admin,
        result="partial",
        status="todo",
        self_score=Decimal("0.5"),
    )
    assignment_add_unit(campaign=world.campaign, indicator=indicator, unit=world.unit_b, by=world.office_admin)
    report_request(campaign=world.campaign, kind="pdf", by=world.office_admin, enqueue=False)
    client.force_login(world.office_admin)
    body = client.get(URL).content.decode()
    rows = body[body.index("<tbody") : body.index("</tbody>")]
    assert "未填 → 0.5" in rows and "None" not in rows
    assert "城关镇" in rows and ">T01<" not in rows and " T01" not in rows
    assert f"{world.campaign.name} 自评报告（PDF）" in rows and world.campaign.slug not in rows
    assert "：</span>" in rows and ":</span>" not in rows
