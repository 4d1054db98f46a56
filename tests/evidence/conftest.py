"""Real office files, made once per test session by LibreOffice (Debian's
libreoffice-writer-nogui and libreoffice-calc-nogui, installed by scripts/sysdeps.sh test)."""

from pathlib import Path

import pytest

from tests.office import convert, require_soffice

TEXT = "县司法局2025年法治政府建设工作方案\n一、总体要求\n深入贯彻落实法治政府建设实施纲要。\n"
TABLE = "指标,牵头单位,完成情况\n1.1.1,县司法局,已完成\n1.1.2,城关镇,推进中\n"
# source file -> the formats made from it (Writer for the text, Calc for the table)
CONVERSIONS = {"plan.txt": ("odt", "docx", "doc"), "ledger.csv": ("ods", "xlsx", "xls")}


@pytest.fixture(scope="session")
def office_files(tmp_path_factory):
    """{"odt": bytes, "docx": ..., "doc": ..., "ods": ..., "xlsx": ..., "xls": ...}: files as
    LibreOffice saves them. Without soffice the tests that need it are skipped, except in CI
    (CI set), where they fail: there the real files must be tried."""
    require_soffice()
    root = tmp_path_factory.mktemp("office")
    (root / "plan.txt").write_text(TEXT, encoding="utf-8")
    (root / "ledger.csv").write_text(TABLE, encoding="utf-8")
    out = root / "out"
    for source, formats in CONVERSIONS.items():
        for fmt in formats:
            convert(root / source, fmt, out)
    files = {fmt: (out / f"{Path(source).stem}.{fmt}").read_bytes() for source, f in CONVERSIONS.items() for fmt in f}
    assert files["doc"].startswith(b"\xd0\xcf\x11\xe0") and files["odt"].startswith(b"PK\x03\x04")
    return files
