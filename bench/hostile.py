"""Spreadsheet bombs against the table reader: the worst time and peak memory over generated
xlsx bombs (a huge sheet, one giant cell, giant shared strings, entity expansion), each
read in a fresh process so its peak RSS is its own; the baseline is the same process
reading a small, valid county table.

    bench hostile_import_peak_rss_increase_mb: X (target <= 150)
    bench hostile_import_seconds: X (target <= 15)
"""

import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

CHILD = """
import os, resource, sys, time
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
import django
django.setup()
from core.tables import TableError, read_table
data = open(sys.argv[1], "rb").read()
start = time.perf_counter()
try:
    read_table(data)
    outcome = "read"
except TableError as exc:
    outcome = "refused: " + str(exc)[:60]
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, outcome)
"""


def _xlsx(parts):
    """A small valid workbook with some parts replaced or added (name -> bytes)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["一级指标", "二级指标", "三级指标", "牵头单位"])
    ws.append(["一、甲", "（一）乙", "丙。", "县司法局"])
    buf = io.BytesIO()
    wb.save(buf)
    original = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for info in original.infolist():
            if info.filename not in parts:
                zf.writestr(info.filename, original.read(info.filename))
        for name, write in parts.items():
            with zf.open(name, "w", force_zip64=True) as fh:
                write(fh)
    return out.getvalue()


def _repeat(head, unit, times, tail):
    def write(fh):
        fh.write(head)
        for _ in range(times):
            fh.write(unit)
        fh.write(tail)

    return write


def bombs():
    mb = 1024 * 1024
    sheet_head = f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()
    row = b'<row><c t="inlineStr"><is><t>' + b"x" * 1000 + b"</t></is></c></row>"
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "'
        + b"a" * 100
        + b'">'
        + b"".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(8))
        + f']><workbook xmlns="{MAIN}"><sheets><sheet name="&i;" sheetId="1"/></sheets></workbook>'.encode()
    )
    return {
        "1 GB sheet": {"xl/worksheets/sheet1.xml": _repeat(sheet_head, row * 1024, 1024, b"</sheetData></worksheet>")},
        "one 1 GB cell": {
            "xl/worksheets/sheet1.xml": _repeat(
                sheet_head + b'<row><c t="inlineStr"><is><t>',
                b"y" * mb,
                1024,
                b"</t></is></c></row></sheetData></worksheet>",
            )
        },
        "1 GB shared strings": {
            "xl/sharedStrings.xml": _repeat(
                f'<sst xmlns="{MAIN}"><si><t>'.encode(), b"z" * mb, 1024, b"</t></si></sst>"
            )
        },
        "entity expansion": {"xl/workbook.xml": lambda fh: fh.write(laughs)},
        # Under every limit (the upload's 10 MB, the ZIP's 64 MB unpacked and its ratio): what the
        # parser must really work through — wide rows of numbers, far more cells than a table has.
        "36 MB of numbers": {"xl/worksheets/sheet1.xml": _numbers(36 * mb)},
        "36 MB of numbers under a header": {"xl/worksheets/sheet1.xml": _numbers(36 * mb, header=True)},
    }


def _numbers(size, header=False):
    import random

    rng = random.Random(7)

    def write(fh):
        fh.write(f'<worksheet xmlns="{MAIN}"><sheetData>'.encode())
        written, r = 0, 0
        if header:
            names = ("一级指标", "二级指标", "三级指标", "牵头单位")
            cells = "".join(f'<c r="{chr(65 + c)}1" t="inlineStr"><is><t>{n}</t></is></c>' for c, n in enumerate(names))
            fh.write(f'<row r="1">{cells}</row>'.encode())
            r = 1
        while written < size:
            r += 1
            cells = "".join(f'<c r="{chr(65 + c % 26)}{r}"><v>{rng.randint(0, 10**9)}</v></c>' for c in range(200))
            row = f'<row r="{r}">{cells}</row>'.encode()
            fh.write(row)
            written += len(row)
        fh.write(b"</sheetData></worksheet>")

    return write


def _child(path):
    out = subprocess.run(
        [sys.executable, "-c", CHILD.format(root=str(ROOT)), path], capture_output=True, text=True, timeout=300
    )
    seconds, rss, *outcome = out.stdout.split(maxsplit=2) if out.returncode == 0 else ("inf", "inf", out.stderr[-200:])
    return float(seconds), float(rss), " ".join(outcome).strip()


def bench_hostile(report):
    with tempfile.TemporaryDirectory() as tmp:
        baseline_path = Path(tmp) / "baseline.xlsx"
        baseline_path.write_bytes(_xlsx({}))
        _seconds, baseline_rss, _outcome = _child(str(baseline_path))
        worst_rss = worst_seconds = 0.0
        for name, parts in bombs().items():
            path = Path(tmp) / "bomb.xlsx"
            path.write_bytes(_xlsx(parts))
            assert path.stat().st_size <= 10 * 1024 * 1024, (
                name
            )  # TABLE_MAX_UPLOAD_MB: larger ones never reach the reader
            seconds, rss, outcome = _child(str(path))
            print(
                f"  {name}: {path.stat().st_size / 1e6:.1f} MB file, {seconds:.2f} s, +{rss - baseline_rss:.0f} MB — {outcome}"
            )
            worst_rss, worst_seconds = max(worst_rss, rss - baseline_rss), max(worst_seconds, seconds)
    report("hostile_import_peak_rss_increase_mb", worst_rss, "<=", 150)
    report("hostile_import_seconds", worst_seconds, "<=", 15)
