"""IT imports the county table in the Django admin through django-import-export,
read by the same reader as the office's page and the commands."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.models import Framework, Indicator
from tests.core import table_builders as builders

pytestmark = pytest.mark.django_db
TASK_TABLE = Path(__file__).resolve().parents[1] / "fixtures" / "task-table.xlsx"
URL = "/admin/indicators/indicator/import/"


def _preview(client, data, name="管理后台导入"):
    return client.post(
        URL, {"framework": name, "format": "0", "resource": "0", "import_file": SimpleUploadedFile("t.xlsx", data)}
    )


def test_admin_import_previews_then_builds_the_tree(client, world):
    client.force_login(world.superuser)
    assert client.get(URL).status_code == 200
    response = _preview(client, TASK_TABLE.read_bytes())
    assert response.status_code == 200
    assert not Framework.objects.filter(name="管理后台导入").exists()  # the dry run rolled back
    confirm = response.context["confirm_form"]
    response = client.post("/admin/indicators/indicator/process_import/", {**confirm.initial})
    assert response.status_code == 302
    fw = Framework.objects.get(name="管理后台导入")
    assert {lvl: fw.indicators.filter(level=lvl).count() for lvl in (1, 2, 3)} == {1: 8, 2: 33, 3: 100}
    first = Indicator.objects.get(framework=fw, code="1.1.1")
    assert first.parent.code == "1.1" and first.parent.parent.code == "1" and first.serial == 1


def test_admin_import_of_a_broken_table_shows_the_row_errors(client, world):
    rows = [("一、甲", "（一）乙", "", "县司法局", "", "2025-09-30")] + builders.ROWS
    client.force_login(world.superuser)
    response = _preview(client, builders.xlsx_bytes(lambda ws: builders.standard(ws, rows=rows)))
    body = response.content.decode()
    assert response.context.get("confirm_form") is None
    assert "第 4 行，“三级指标”列：指标内容为空" in body
    assert not Framework.objects.filter(name="管理后台导入").exists()


def test_admin_import_is_for_it_only(client, world):
    client.force_login(world.office_admin)
    assert client.get(URL).status_code == 302  # the admin site sends non-staff users to its login


def test_admin_units_import_takes_the_units_csv_columns(client, world):
    from org.models import Unit

    client.force_login(world.superuser)
    data = "code,name,short_name,type,category,law_enforcement,note\nD99,县测试局,测试局,department,政府工作部门,1,\n".encode()
    response = client.post(
        "/admin/org/unit/import/", {"format": "0", "resource": "0", "import_file": SimpleUploadedFile("u.csv", data)}
    )
    confirm = response.context["confirm_form"]
    client.post("/admin/org/unit/process_import/", {**confirm.initial})
    unit = Unit.objects.get(code="D99")
    assert unit.is_law_enforcement and unit.kind == "department"


def test_admin_assignment_export(client, world):
    client.force_login(world.superuser)
    response = client.post(
        "/admin/assignments/assignment/export/",
        {
            "format": "0",
            "resource": "0",
            **{f"assignmentresource_{f}": "on" for f in ("campaign", "code", "unit_code", "role", "deadline")},
        },
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
