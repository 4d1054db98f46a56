"""Every table the product writes (CSV or XLSX: exports, the package's manifest, the
workbook, the admin's export) is formula-escaped: a cell starting with = + - @, a tab or
a carriage return cannot run as a formula when a county opens it in Excel or WPS."""

import ast
import csv
import io
from pathlib import Path

import openpyxl
import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from core import tables
from core.export_formats import CSV, EXPORT_FORMATS, XLSX
from indicators.models import Indicator
from org.models import Unit
from tests.test_architecture import OUR_APPS  # the one list of our apps, by floor

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [p for d in OUR_APPS for p in (ROOT / d).rglob("*.py") if "migrations" not in p.parts]
HOSTILE = '=HYPERLINK("http://evil","点我")'
PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TABLE_FORMATS = {"csv", "xlsx", "xls", "tsv", "ods"}
# The only modules allowed to write a table, each through tables.neutralise.
ESCAPING = {ROOT / "core" / "tables.py", ROOT / "core" / "export_formats.py"}


def _name(func):
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _table_writes(tree):
    """Where a table is written: the csv module's writers, openpyxl's Workbook, a tablib
    dataset's export("csv") or .xlsx/.csv property, unless of a tables.neutralised() copy."""
    for node in ast.walk(tree):
        target = None
        if isinstance(node, ast.Attribute) and node.attr in TABLE_FORMATS:
            target = node.value
        elif isinstance(node, ast.Call) and _name(node.func) in ("writer", "DictWriter", "Workbook"):
            yield node
        elif (
            isinstance(node, ast.Call)
            and _name(node.func) in ("export", "export_set")
            and any(isinstance(a, ast.Constant) and a.value in TABLE_FORMATS for a in node.args)
        ):
            target = node.func.value if isinstance(node.func, ast.Attribute) else node.func
        if target is not None and not (isinstance(target, ast.Call) and _name(target.func) == "neutralised"):
            yield node


def test_tables_are_only_written_where_cells_are_neutralised():
    found = []
    for path in SOURCES:
        if path not in ESCAPING:
            text = path.read_text(encoding="utf-8")
            found += [
                f"{path.relative_to(ROOT)}: {ast.get_source_segment(text, n)}" for n in _table_writes(ast.parse(text))
            ]
    # The workbook: a tablib Databook whose sheets are each tables.neutralised (build_xlsx).
    assert found == ['reports/builders.py: book.export("xlsx")'], (
        "write tables through core.tables.export_table / neutralised or core.export_formats"
    )


def test_neutralise_covers_tab_and_carriage_return_and_reads_back():
    for value in ("=1+1", "+86 123", "-2", "@SUM(A1)", "\tcmd", "\rcmd"):
        assert tables.neutralise(value) == "'" + value
        assert tables.clean_text(tables.neutralise(value)) == tables.clean_text(value)
    assert tables.neutralise(tables.neutralise("=x")) == "'=x" and tables.neutralise(5) == 5


def _cells_csv(data):
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _cells_xlsx(data):
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    return [c.value for c in cells if isinstance(c.value, str)]


def _escaped(cells):
    assert "'" + HOSTILE in cells, cells
    assert not [c for c in cells if c.startswith(PREFIXES)]


@pytest.fixture
def hostile(world):
    Indicator.objects.filter(pk=world.indicators[0].pk).update(title=HOSTILE)
    Unit.objects.filter(pk=world.unit_b.pk).update(note="@SUM(1)", short_name="-城关")
    return world


@pytest.mark.django_db
def test_the_division_and_self_assessment_exports_are_escaped(hostile):
    from assessment.resources import assessment_export
    from assignments.services import assignment_export

    for export in (assignment_export, assessment_export):
        _escaped(_cells_csv(export(campaign=hostile.campaign, fmt="csv")))
        _escaped(_cells_xlsx(export(campaign=hostile.campaign, fmt="xlsx")))


@pytest.mark.django_db
def test_the_office_task_list_export_is_escaped(client, hostile):
    client.force_login(hostile.office_admin)
    response = client.get(reverse("assignments:list"), {"export": "xlsx"})
    assert response.status_code == 200
    _escaped(_cells_xlsx(response.content))


@pytest.mark.django_db
def test_the_admins_exports_are_escaped_in_every_format_they_offer(hostile):
    request = RequestFactory().get("/admin/")
    request.user = hostile.superuser
    for model in (Indicator, Unit):
        model_admin = admin.site._registry[model]
        assert model_admin.get_export_formats() == EXPORT_FORMATS
        for fmt in model_admin.get_export_formats():
            response = model_admin._do_file_export(fmt(), request, model_admin.get_export_queryset(request))
            cells = _cells_csv(response.content) if fmt is CSV else _cells_xlsx(response.content)
            if model is Indicator:
                _escaped(cells)
            else:
                assert "'@SUM(1)" in cells and "'-城关" in cells and not [c for c in cells if c.startswith(PREFIXES)]
            if fmt is CSV:
                assert response.content.startswith("\ufeff".encode())  # Excel on Chinese Windows reads UTF-8
        assert XLSX in model_admin.get_export_formats()
