"""docs/security.md maps each GB/T 22239 level-3 requirement to the test that proves it: the table
must stay true. Every test file, folder and test function it names exists, and every row names at
least one test."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "security.md"
# `tests/core/test_auth.py::test_x` names a file and a test; a following `::test_y` in the same
# cell is another test of that file; `tests/reports/` names a folder of tests.
REFERENCE = re.compile(r"`(tests/[\w/]+\.py|tests/[\w/]+/)?((?:::\w+)?)`")


def _rows():
    rows = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| **") and len(cells) == 4:
            rows.append((cells[0], cells[3]))
    return rows


def _test_functions(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}


def _references(cell):
    """(path, test name or None) for each reference in a table cell."""
    refs, current = [], None
    for path, name in REFERENCE.findall(cell):
        if path:
            current = path
        if current is None:
            continue
        refs.append((current, name.removeprefix("::") or None))
    return refs


def test_the_security_table_has_a_row_for_each_level_3_requirement():
    requirements = {
        "身份鉴别",
        "访问控制",
        "安全审计",
        "入侵防范",
        "数据完整性",
        "数据保密性",
        "数据备份恢复",
        "剩余信息保护",
        "个人信息保护",
    }
    named = {req for req in requirements for first, _tests in _rows() if req in first}
    assert named == requirements


def test_every_test_the_security_table_names_exists():
    missing = []
    for requirement, cell in _rows():
        refs = _references(cell)
        if not refs:
            missing.append((requirement, "names no test"))
        for path, name in refs:
            target = ROOT / path
            if not target.exists():
                missing.append((requirement, path))
            elif name is not None and (target.is_dir() or name not in _test_functions(target)):
                missing.append((requirement, f"{path}::{name}"))
    assert missing == []


def test_the_reference_reader_catches_a_misnamed_test():
    """The check above would pass on a table it cannot read: it must see a wrong name."""
    cell = "`tests/core/test_auth.py::test_no_such_test`, `::test_logout_requires_post_and_ends_the_session`"
    refs = _references(cell)
    assert refs == [
        ("tests/core/test_auth.py", "test_no_such_test"),
        ("tests/core/test_auth.py", "test_logout_requires_post_and_ends_the_session"),
    ]
    functions = _test_functions(ROOT / "tests/core/test_auth.py")
    assert [name in functions for _path, name in refs] == [False, True]
