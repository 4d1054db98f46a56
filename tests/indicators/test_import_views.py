"""The office's upload → preview → confirm flow, the tree page and the export."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assignments.models import Assignment
from core.tables import read_table
from indicators.models import Framework
from indicators.services import framework_import
from portal.demo import load_units
from tests.core import table_builders as builders

pytestmark = pytest.mark.django_db
SHARED_XLSX = Path(__file__).resolve().parents[1] / "fixtures" / "task-table.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(data, name="任务分工.xlsx"):
    return SimpleUploadedFile(name, data, content_type=XLSX)


@pytest.fixture
def county(world):
    load_units()
    return world


@pytest.fixture
def framework(county):
    fw = framework_import(table=read_table(SHARED_XLSX.read_bytes()), name="示范指标体系")
    # The world's tasks belong to its own small framework: a campaign keeps its framework while it
    # has tasks (a database guard), so they go before the campaign takes the imported one.
    Assignment.objects.filter(campaign=county.campaign).delete()
    county.campaign.framework = fw
    county.campaign.save()
    return fw


def test_framework_import_previews_then_confirms(client, county):
    client.force_login(county.office_admin)
    response = client.post(
        reverse("indicators:import"), {"name": "示范指标体系", "file": upload(SHARED_XLSX.read_bytes())}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "导入 100 项指标" in body and not Framework.objects.filter(name="示范指标体系").exists()
    token = response.context["token"]
    response = client.post(reverse("indicators:import_confirm"), {"token": token})
    fw = Framework.objects.get(name="示范指标体系")
    assert response.status_code == 302 and response["Location"] == fw.get_absolute_url()
    assert fw.indicators.filter(level=3).count() == 100
    # The token is spent: confirming twice does not import twice.
    response = client.post(reverse("indicators:import_confirm"), {"token": token}, follow=True)
    assert "上传的文件已失效" in response.content.decode()
    assert Framework.objects.filter(name="示范指标体系").count() == 1


def test_framework_import_of_a_hostile_file_shows_the_reason(client, county):
    client.force_login(county.office_admin)
    response = client.post(reverse("indicators:import"), {"name": "x", "file": upload(b"MZ\x00\x00evil", "a.xlsx")})
    assert response.status_code == 200
    assert "这是程序或其他二进制文件，不是电子表格文件" in response.content.decode()
    response = client.post(reverse("indicators:import"), {"name": "x", "file": upload(b"", "a.xlsx")})
    assert "空文件" in response.content.decode()
    assert not Framework.objects.filter(name="x").exists()


def test_framework_import_with_row_errors_offers_no_confirm(client, county):
    rows = [("一、甲", "（一）乙", "", "县司法局", "", "2025-09-30")] + builders.ROWS
    client.force_login(county.office_admin)
    response = client.post(
        reverse("indicators:import"),
        {"name": "x", "file": upload(builders.xlsx_bytes(lambda ws: builders.standard(ws, rows=rows)))},
    )
    body = response.content.decode()
    assert "第 4 行，“三级指标”列：指标内容为空" in body
    assert reverse("indicators:import_confirm") not in body
    assert response.context["token"] == ""


def test_confirm_with_another_users_token_is_refused(client, county):
    client.force_login(county.office_admin)
    response = client.post(reverse("indicators:import"), {"name": "y", "file": upload(SHARED_XLSX.read_bytes())})
    token = response.context["token"]
    other = type(client)()
    other.force_login(county.superuser)
    other.post(reverse("indicators:import_confirm"), {"token": token})
    assert not Framework.objects.filter(name="y").exists()


def test_file_over_the_size_limit_is_refused(client, county, settings):
    settings.TABLE_MAX_UPLOAD_MB = 1
    client.force_login(county.office_admin)
    response = client.post(
        reverse("indicators:import"), {"name": "x", "file": upload(b"a" * (1024 * 1024 + 1), "big.csv")}
    )
    assert "超过上限" in response.content.decode()


def test_assignment_import_preview_lists_changes_and_confirm_writes(client, county, framework):
    client.force_login(county.office_admin)
    data = {"campaign": county.campaign.pk, "file": upload(SHARED_XLSX.read_bytes())}
    response = client.post(reverse("assignments:import"), data)
    assert response.status_code == 200
    plan = response.context["plan"]
    assert plan.ok and plan.count("new") == 100
    assert not Assignment.objects.filter(campaign=county.campaign, indicator__framework=framework).exists()
    assert plan.warnings  # the shared table's 2025 deadlines have passed: the office confirms them
    response = client.post(
        reverse("assignments:import_confirm"), {"token": response.context["token"], "accept_warnings": "on"}
    )
    assert response.status_code == 302
    assert (
        Assignment.objects.filter(campaign=county.campaign, indicator__framework=framework, role="lead").count() == 100
    )


def test_assignment_import_with_unknown_unit_names_the_cell(client, county, framework):
    rows = list(builders.ROWS)
    rows[0] = rows[0][:3] + ("县魔法局",) + rows[0][4:]
    client.force_login(county.office_admin)
    table = builders.xlsx_bytes(lambda ws: builders.standard(ws, rows=rows))
    response = client.post(reverse("assignments:import"), {"campaign": county.campaign.pk, "file": upload(table)})
    assert "第 4 行，“牵头单位”列：无法识别的单位：县魔法局" in response.content.decode()


def test_tree_page_shows_units_and_deadlines_and_searches(client, county, framework):
    from assignments.services import assignment_import

    assignment_import(
        campaign=county.campaign,
        table=read_table(SHARED_XLSX.read_bytes(), required=("level3", "lead")),
        accept_warnings=True,  # the shared table's 2025 deadlines have passed
    )
    client.force_login(county.liaison_b)
    url = framework.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "政府职能依法全面履行" in body and "2025-09-30" in body and "牵头：县审批局" in body
    response = client.get(url, {"q": "双随机"})
    tree = response.context["tree"]
    assert [(l1.indicator.code, [l2.indicator.code for l2 in l1.children]) for l1 in tree] == [("1", ["1.2"])]
    assert [l3.indicator.code for l3 in tree[0].children[0].children] == ["1.2.1"]
    response = client.get(url, {"q": "县统计局"})
    assert all(
        l3.lead.code == "D31" or any(u.code == "D31" for u in l3.cooperating)
        for l1 in response.context["tree"]
        for l2 in l1.children
        for l3 in l2.children
    )


def test_tree_page_counts_cooperating_units_and_names_them_for_the_opened_level2_only(client, county, framework):
    """The page stays the same size at any scale: names on demand (tests/test_query_scaling.py counts queries)."""
    from assignments.services import assignment_import

    assignment_import(
        campaign=county.campaign,
        table=read_table(SHARED_XLSX.read_bytes(), required=("level3", "lead")),
        accept_warnings=True,  # the shared table's 2025 deadlines have passed
    )
    client.force_login(county.office_staff)
    url = framework.get_absolute_url()
    nodes = lambda tree: [l3 for l1 in tree for l2 in l1.children for l3 in l2.children]  # noqa: E731
    folded = nodes(client.get(url).context["tree"])
    assert any(n.cooperating_count for n in folded) and not any(n.cooperating for n in folded)
    opened = client.get(url, {"open": "1.2"})
    names = {n.indicator.code: n for n in nodes(opened.context["tree"]) if n.cooperating}
    assert names and all(code.startswith("1.2.") for code in names)
    assert all(len(n.cooperating) == n.cooperating_count for n in names.values())
    assert "open=1.2#l2-1.2" in client.get(url).content.decode()


def test_export_downloads_the_canonical_table_with_a_chinese_file_name(client, county, framework):
    from assignments.services import assignment_import

    assignment_import(
        campaign=county.campaign,
        table=read_table(SHARED_XLSX.read_bytes(), required=("level3", "lead")),
        accept_warnings=True,  # the shared table's 2025 deadlines have passed
    )
    client.force_login(county.office_staff)
    response = client.get(reverse("assignments:export"), {"campaign": county.campaign.pk, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert (
        response.content.decode("utf-8-sig").splitlines()[0]
        == "code,level1,level2,level3,lead_unit,cooperating_units,deadline"
    )
    response = client.get(reverse("assignments:export"), {"campaign": county.campaign.pk, "format": "xlsx"})
    assert response.content[:2] == b"PK"


def test_export_with_bad_parameters_is_404(client, county):
    client.force_login(county.office_staff)
    assert client.get(reverse("assignments:export"), {"campaign": "nope"}).status_code == 404
    assert (
        client.get(reverse("assignments:export"), {"campaign": county.campaign.pk, "format": "exe"}).status_code == 404
    )


def test_unconfirmed_previews_are_swept_after_a_day(client, county, media_root):
    """A previewed table nobody confirmed does not stay on disk: the daily sweep removes it."""
    import os
    import time

    from core.tasks import sweep_stashes

    client.force_login(county.office_admin)
    client.post(reverse("indicators:import"), {"name": "甲", "file": upload(builders.xlsx_bytes(builders.standard))})
    client.post(reverse("indicators:import"), {"name": "乙", "file": upload(builders.xlsx_bytes(builders.standard))})
    old, fresh = sorted((media_root / "imports").iterdir())
    stale = time.time() - 25 * 3600
    os.utime(old, (stale, stale))
    assert sweep_stashes.apply().get() == 1
    assert not old.exists() and fresh.exists()


@pytest.mark.parametrize(
    "upload_url, confirm_url, data",
    [
        (
            "indicators:import",
            "indicators:import_confirm",
            lambda w: {"name": "甲", "file": upload(builders.xlsx_bytes(builders.standard))},
        ),
        (
            "assessment:import",
            "assessment:import_confirm",
            lambda w: {"file": SimpleUploadedFile("自评.csv", f"code,result\n{w.indicators[0].code},达标\n".encode())},
        ),
    ],
)
def test_a_preview_is_confirmed_once_and_only_by_its_uploader(client, county, upload_url, confirm_url, data):
    """The token names a file stashed in the uploader's session: another office admin cannot
    confirm it, the uploader can once, and a second confirm finds it gone."""
    from django.test import Client

    from core.models import AuditEvent
    from org.models import Membership
    from org.services import membership_create
    from tests.factories import UserFactory

    colleague = UserFactory(username="office-admin-2")
    membership_create(user=colleague, unit=county.office, role=Membership.Role.OFFICE_ADMIN)
    client.force_login(county.office_admin)
    token = client.post(reverse(upload_url), data(county)).context["token"]
    assert token
    other = Client()
    other.force_login(colleague)
    before = AuditEvent.objects.count()
    response = other.post(reverse(confirm_url), {"token": token}, follow=True)
    assert "上传的文件已失效" in response.content.decode() and AuditEvent.objects.count() == before
    assert client.post(reverse(confirm_url), {"token": token}).status_code == 302
    assert AuditEvent.objects.count() > before
    response = client.post(reverse(confirm_url), {"token": token}, follow=True)
    assert "上传的文件已失效" in response.content.decode()


def test_preview_of_a_csv_saved_from_merged_cells_says_the_titles_were_continued(client, county):
    rows = [builders.ROWS[0]] + [("", "", *r[2:]) if r[:2] == builders.ROWS[0][:2] else r for r in builders.ROWS[1:]]
    client.force_login(county.office_admin)
    response = client.post(
        reverse("indicators:import"), {"name": "体系", "file": upload(builders.csv_bytes(rows=rows), "表.csv")}
    )
    body = response.content.decode()
    assert response.context["token"] and "1 行的一级或二级指标为空，已沿用上方的标题" in body and "第 3 行" in body


def test_a_table_cut_off_at_the_upload_limit_is_called_too_large_not_missing(client, county, settings):
    settings.EVIDENCE_MAX_UPLOAD_MB = 1  # where the upload handler stops reading
    client.force_login(county.office_admin)
    big = builders.csv_bytes() + b"\n" * (2 * 1024 * 1024)
    response = client.post(reverse("indicators:import"), {"name": "体系", "file": upload(big, "大表.csv")})
    body = response.content.decode()
    assert response.status_code == 200 and "文件大于" in body and "必填" not in body
    assert not Framework.objects.filter(name="体系").exists()
