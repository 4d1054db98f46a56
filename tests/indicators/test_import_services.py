"""Importing frameworks and task divisions, all or nothing, and exporting them back."""

from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from assignments.models import Assignment
from assignments.services import assignment_export, assignment_import, assignment_plan
from campaign.services import campaign_create
from core import tables
from core.models import AuditEvent
from core.tables import ImportRejected, read_table
from indicators.models import Framework, Indicator
from indicators.services import framework_import
from portal.demo import load_units
from tests.core import table_builders as builders

pytestmark = pytest.mark.django_db
SHARED_XLSX = Path(__file__).resolve().parents[1] / "fixtures" / "task-table.xlsx"
REPO_CSV = Path(__file__).resolve().parents[2] / "portal" / "demo_data" / "indicators.csv"


@pytest.fixture
def units(db):
    load_units()


def _tree(framework):
    return sorted(framework.indicators.values_list("code", "level", "parent__code", "title"))


def _division(campaign):
    return sorted(
        Assignment.objects.filter(campaign=campaign).values_list(
            "indicator__code", "unit__code", "role", "deadline", "ongoing"
        )
    )


def _campaign(framework, slug="c"):
    return campaign_create(by=None, slug=slug, name=slug, county="示范县", framework=framework)


def test_shared_xlsx_and_csv_import_to_the_same_tree_and_division(units):
    from org.models import Unit

    Unit.objects.filter(code="D06").update(kind="office")  # as the demo does: the office is not 县直各单位
    fx = framework_import(table=read_table(SHARED_XLSX.read_bytes()), name="来自xlsx")
    fc = framework_import(table=read_table(REPO_CSV.read_bytes()), name="来自csv")
    assert Counter(fx.indicators.values_list("level", flat=True)) == {1: 8, 2: 33, 3: 100}
    # The two files differ only in the final 。 of each level-3 text, which each keeps as written.
    strip = lambda rows: [(c, lvl, p, tables.title_key(t)) for c, lvl, p, t in rows]  # noqa: E731
    assert strip(_tree(fx)) == strip(_tree(fc))
    cx, cc = _campaign(fx, "x"), _campaign(fc, "y")
    assignment_import(
        campaign=cx, table=read_table(SHARED_XLSX.read_bytes(), required=("level3", "lead")), accept_warnings=True
    )
    assignment_import(
        campaign=cc, table=read_table(REPO_CSV.read_bytes(), required=("level3", "lead")), accept_warnings=True
    )
    assert _division(cx) == _division(cc)
    assert Assignment.objects.filter(campaign=cx, role="lead").count() == 100


def test_csv_scores_and_methods_are_kept(units):
    fw = framework_import(table=read_table(REPO_CSV.read_bytes()), name="fw")
    first = Indicator.objects.get(framework=fw, code="1.1.1")
    assert str(first.score) == "1.50" and first.evaluation_method == "材料审查、网络核查、实地核查"


def test_round_trip_import_export_import_is_stable(units):
    fw = framework_import(table=read_table(SHARED_XLSX.read_bytes()), name="fw")
    campaign = _campaign(fw)
    assignment_import(
        campaign=campaign, table=read_table(SHARED_XLSX.read_bytes(), required=("level3", "lead")), accept_warnings=True
    )
    before = _division(campaign)
    for fmt in ("csv", "xlsx"):
        exported = assignment_export(campaign=campaign, fmt=fmt)
        plan = assignment_plan(campaign=campaign, table=read_table(exported, required=("level3", "lead")))
        assert plan.ok and plan.count("unchanged") == 100
        assignment_import(
            campaign=campaign, table=read_table(exported, required=("level3", "lead")), accept_warnings=True
        )
        assert _division(campaign) == before
        assert assignment_export(campaign=campaign, fmt="csv") == assignment_export(campaign=campaign, fmt="csv")


def test_reimport_of_unfrozen_framework_replaces_it_and_frozen_makes_a_new_version(units):
    table = read_table(builders.xlsx_bytes(builders.standard))
    fw = framework_import(table=table, name="体系")
    again = framework_import(table=table, name="体系")
    assert again.pk == fw.pk and Framework.objects.count() == 1
    _campaign(fw)
    fw.refresh_from_db()
    assert fw.frozen
    newer = framework_import(table=table, name="体系")
    assert newer.pk != fw.pk and (fw.version, newer.version) == ("1", "2")
    assert fw.indicators.filter(level=3).count() == 4  # the frozen version is untouched


def test_unknown_unit_names_the_cell_and_writes_nothing(units):
    fw = framework_import(table=read_table(builders.xlsx_bytes(builders.standard)), name="体系")
    campaign = _campaign(fw)
    rows = list(builders.ROWS)
    rows[1] = rows[1][:3] + ("县不存在局", "县财政局、县火星局") + rows[1][5:]
    table = read_table(builders.xlsx_bytes(lambda ws: builders.standard(ws, rows=rows)), required=("level3", "lead"))
    audit_before = AuditEvent.objects.count()
    with pytest.raises(ImportRejected) as exc:
        assignment_import(campaign=campaign, table=table)
    messages = [str(e) for e in exc.value.errors]
    assert messages == [
        "第 5 行，“牵头单位”列：无法识别的单位：县不存在局",
        "第 5 行，“责任单位”列：无法识别的单位：县火星局",
    ]
    assert not Assignment.objects.exists()
    assert AuditEvent.objects.count() == audit_before


def test_group_tokens_expand_and_lead_is_never_cooperating(units):
    from org.models import Unit

    fw = framework_import(table=read_table(builders.xlsx_bytes(builders.standard)), name="体系")
    campaign = _campaign(fw)
    assignment_import(
        campaign=campaign,
        table=read_table(builders.xlsx_bytes(builders.standard), required=("level3", "lead")),
        accept_warnings=True,
    )
    coop = set(
        Assignment.objects.filter(campaign=campaign, indicator__code="1.2.1", role="cooperating").values_list(
            "unit__code", flat=True
        )
    )
    assert coop == set(Unit.objects.filter(kind="township").values_list("code", flat=True)) and len(coop) == 15
    first = Assignment.objects.filter(campaign=campaign, indicator__code="1.1.1")
    assert first.get(role="lead").unit.code == "D34"
    assert "D34" not in set(first.filter(role="cooperating").values_list("unit__code", flat=True))
    assert Assignment.objects.get(campaign=campaign, indicator__code="1.2.1", role="lead").ongoing


def test_changed_table_updates_only_what_changed(units):
    fw = framework_import(table=read_table(builders.xlsx_bytes(builders.standard)), name="体系")
    campaign = _campaign(fw)
    assignment_import(
        campaign=campaign,
        table=read_table(builders.xlsx_bytes(builders.standard), required=("level3", "lead")),
        accept_warnings=True,
    )
    rows = list(builders.ROWS)
    rows[3] = rows[3][:3] + ("县财政局", "县司法局", "2026年3月底前")
    table = read_table(builders.xlsx_bytes(lambda ws: builders.standard(ws, rows=rows)), required=("level3", "lead"))
    plan = assignment_plan(campaign=campaign, table=table)
    assert [(i.indicator.code, i.status) for i in plan.items if i.status != "unchanged"] == [("2.1.1", "changed")]
    assignment_import(campaign=campaign, table=table, by=None, accept_warnings=True)
    shares = Assignment.objects.filter(campaign=campaign, indicator__code="2.1.1")
    assert {(a.unit.code, a.role, str(a.deadline)) for a in shares} == {
        ("D17", "lead", "2026-03-31"),
        ("D16", "cooperating", "2026-03-31"),
    }


# --- commands ----------------------------------------------------------------------------


def test_commands_import_create_and_export(units, tmp_path, capsys):
    call_command("import_indicators", str(SHARED_XLSX), "--framework", "示范指标体系", "--dry-run")
    assert not Framework.objects.exists()
    call_command("import_indicators", str(SHARED_XLSX), "--framework", "示范指标体系")
    call_command("create_campaign", "--slug", "c2026", "--name", "2026年创建", "--framework", "示范指标体系")
    # The shared table's deadlines (2025) have passed: a bare import is refused, --accept-warnings imports.
    with pytest.raises(CommandError):
        call_command("import_assignments", str(SHARED_XLSX), "--campaign", "c2026")
    call_command("import_assignments", str(SHARED_XLSX), "--campaign", "c2026", "--accept-warnings")
    out = tmp_path / "out.csv"
    call_command("export_assignments", "--campaign", "c2026", "--format", "csv", "-o", str(out))
    text = out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "code,level1,level2,level3,lead_unit,cooperating_units,deadline"
    assert len(text.splitlines()) == 101
    assert text.splitlines()[1].startswith("1.1.1,政府职能依法全面履行,加大简政放权力度,")


def test_import_units_command_creates_and_updates(db, tmp_path):
    call_command("import_units", str(REPO_CSV.parent / "units.csv"))
    from org.models import Unit

    assert Unit.objects.count() == 57
    changed = tmp_path / "units.csv"
    changed.write_text(
        "code,name,short_name,type,category,law_enforcement,note\nD16,县司法局,司法局,department,政府工作部门,0,\n",
        encoding="gbk",
    )
    call_command("import_units", str(changed))
    assert Unit.objects.get(code="D16").short_name == "司法局"


def test_import_units_with_bad_rows_writes_nothing(db, tmp_path, capsys):
    bad = tmp_path / "units.csv"
    bad.write_text("code,name,type,law_enforcement\nX1,甲局,department,1\nX2,,planet,maybe\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_units", str(bad))
    err = capsys.readouterr().err
    assert "第 3 行，“name”列：为空" in err and "planet" in err and "maybe" in err
    from org.models import Unit

    assert not Unit.objects.exists()


def test_command_errors_go_to_stderr_with_row_numbers_and_write_nothing(units, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "一级指标,二级指标,三级指标,牵头单位,完成时限\n一、甲,（一）乙,丙,县司法局,2025-13-01\n", encoding="utf-8"
    )
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_indicators", str(bad), "--framework", "x")
    assert "第 2 行，“完成时限”列：2025-13-01 不是真实存在的日期" in capsys.readouterr().err
    assert not Framework.objects.exists()


def test_command_refuses_a_file_that_is_not_a_table(db, tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"MZ\x00\x00binary")
    with pytest.raises(CommandError, match="不是电子表格"):
        call_command("import_indicators", str(junk), "--framework", "x")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_indicators", str(tmp_path / "missing.xlsx"), "--framework", "x")


def test_unknown_campaign_is_a_command_error(db):
    with pytest.raises(CommandError, match="No campaign"):
        call_command("export_assignments", "--campaign", "nope")
