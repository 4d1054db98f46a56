"""The task-table preview shows old → new for every changed value, warns about deadlines
already past with how many tasks would become overdue, and the import needs an explicit
confirmation of the warnings (the service refuses it otherwise)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assignments.models import Assignment
from assignments.services import assignment_import, assignment_plan
from core.tables import ImportRejected, read_table
from tests.core import table_builders as builders

pytestmark = pytest.mark.django_db
L1, L2 = "一、政府职能依法全面履行", "（一）加大简政放权力度"


def _table(w, deadlines):
    """Unit A (县司法局) leads each indicator, unit B (城关镇) cooperates."""
    rows = [(L1, L2, i.title, "县司法局", "城关镇", d) for i, d in zip(w.indicators, deadlines)]
    return builders.xlsx_bytes(lambda ws: builders.standard(ws, rows=rows))


def _upload(data):
    return SimpleUploadedFile("任务分工.xlsx", data)


PAST = ("2025年9月底前", "2025-06-30", "2030年9月底前")


def test_the_preview_shows_old_and_new_values_and_warns_about_past_deadlines(client, world):
    client.force_login(world.office_admin)
    response = client.post(
        reverse("assignments:import"), {"campaign": world.campaign.pk, "file": _upload(_table(world, PAST))}
    )
    body = response.content.decode()
    plan = response.context["plan"]
    # 1.1.1: its overdue lead stays overdue, the new cooperating share is overdue at once;
    # 1.1.2: the lead moves from 城关镇 to 县司法局, both shares (deadlines ahead) fall overdue.
    assert len(plan.past_deadline_items) == 2 and plan.becomes_overdue == 3
    assert "2 项指标的完成时限已经过去，导入后 3 项任务立即逾期" in body
    assert 'name="accept_warnings"' in body and "required" in body
    changed = next(i for i in plan.items if i.indicator == world.indicators[1])
    assert {c["key"]: (c["old"], c["new"]) for c in changed.changes} == {
        "lead": ("城关镇", "县司法局"),
        "cooperating": ("县司法局", "城关镇"),
        "deadline": (str(world.shares.b_lead.deadline), "2025-06-30"),
    }
    assert '<del class="text-danger">城关镇</del> → <ins class="text-success">县司法局</ins>' in body


def test_an_import_with_warnings_is_refused_without_the_confirmation_and_applied_with_it(client, world):
    client.force_login(world.office_admin)
    before = sorted(Assignment.objects.values_list("pk", "unit_id", "deadline"))
    preview = client.post(
        reverse("assignments:import"), {"campaign": world.campaign.pk, "file": _upload(_table(world, PAST))}
    )
    refused = client.post(reverse("assignments:import_confirm"), {"token": preview.context["token"]}, follow=True)
    assert "未导入" in refused.content.decode() and "请先确认上述提醒" in refused.content.decode()
    assert sorted(Assignment.objects.values_list("pk", "unit_id", "deadline")) == before
    preview = client.post(
        reverse("assignments:import"), {"campaign": world.campaign.pk, "file": _upload(_table(world, PAST))}
    )
    done = client.post(
        reverse("assignments:import_confirm"), {"token": preview.context["token"], "accept_warnings": "on"}
    )
    assert done.status_code == 302
    lead = Assignment.objects.get(campaign=world.campaign, indicator=world.indicators[1], role="lead")
    assert lead.unit == world.unit_a and str(lead.deadline) == "2025-06-30"


def test_a_table_without_past_deadlines_needs_no_confirmation(client, world):
    future = ("2030年9月底前", "2030-06-30", "长期坚持")
    table = read_table(_table(world, future), required=("level3", "lead"))
    plan = assignment_plan(campaign=world.campaign, table=table)
    assert plan.warnings == [] and plan.becomes_overdue == 0
    assignment_import(campaign=world.campaign, table=table)
    with pytest.raises(ImportRejected):  # the service itself refuses past deadlines unconfirmed
        assignment_import(campaign=world.campaign, table=read_table(_table(world, PAST), required=("level3", "lead")))
