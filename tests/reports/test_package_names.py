"""The evidence package as a county opens it on Windows: folder names that keep whole titles
where the path budget allows and are cut at punctuation otherwise, a manifest in the
package's language with formula-escaped cells, and stable JSON that submissions read back."""

import csv
import html
import io
import json
import re
import zipfile
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from evidence.services import evidence_add, evidence_review
from indicators.models import Indicator
from reports import builders
from reports.builders import (
    ELLIPSIS,
    MAX_PATH,
    PATH_MARGIN,
    fit_title,
    folder_names,
    safe_name,
    utf16_len,
)
from reports.models import ReportJob
from reports.services import report_request, report_run, submission_verify
from tests.evidence import samples
from tests.reports.submitting import submit_confirmed

pytestmark = pytest.mark.django_db

# Titles in the style of real county tables, each longer than the whole path budget allows.
REAL = "行政许可、行政确认等事项不以备案、登记、行政确认、征求意见等任何形式变相设定或实施"
L1 = "政府职能依法全面履行，推进政府治理体系和治理能力现代化，持续优化法治化营商环境"
L2 = "深化行政审批制度改革，全面实行行政许可事项清单管理，规范行政许可实施，" + REAL + "行政许可"
L3 = "严格落实行政许可事项清单，" + REAL + "，清单之外不得违法实施行政许可；" + REAL + "的情形全面清理"
CUT_AFTER = set("，、；。：！？,;:!?")  # the punctuation a cut title stopped at (dropped before the "…")
JSON_KEYS = {"path", "size", "sha256", "indicator", "indicator_title", "unit", "kind", "title", "also"}


def _within_budget(path):
    """The file's full path on Windows, extracted under a folder of PATH_MARGIN units, fits MAX_PATH."""
    folder = path.rsplit("/", 1)[0]
    return PATH_MARGIN + utf16_len(path) <= MAX_PATH - 1 and PATH_MARGIN + utf16_len(folder) <= MAX_PATH - 13


def _cut_at_punctuation(folder, code, title):
    """`folder` is "code <start of title>…" and the title goes on with a punctuation mark there."""
    assert folder.startswith(code + " ") and folder.endswith(ELLIPSIS), folder
    head = folder[len(code) + 1 : -1]
    assert head and title.startswith(head), folder
    assert title[len(head)] in CUT_AFTER or head[-1] in "）)》”", folder
    assert head[-1] not in "，、；：,;:（(“《", folder  # never on a comma or an opening bracket


# --- names, without a database ------------------------------------------------------------


def test_titles_that_fit_are_kept_whole_even_past_the_old_30_characters():
    long3 = "依法实施行政许可，非行政许可审批全部取消，不以备案、登记、行政确认、征求意见等方式变相设置许可"
    assert len(long3) > 30
    names = folder_names(
        [([("1", "政府职能依法全面履行"), ("1.1", "加大简政放权力度"), ("1.1.2", long3)], "县司法局-通知.pdf")]
    )
    assert names == {"1": "1 政府职能依法全面履行", "1.1": "1.1 加大简政放权力度", "1.1.2": "1.1.2 " + long3}


def test_long_titles_are_cut_at_punctuation_and_the_deepest_path_fits():
    files = [
        ([("1", L1), ("1.1", L2), ("1.1.1", L3)], "县行政审批服务局-关于全面推行行政许可事项清单管理的实施方案.docx"),
        ([("1", L1), ("1.1", L2), ("1.1.2", "三级指标2")], "县司法局-通知.pdf"),
        ([("1", L1), ("1.2", "加大简政放权力度"), ("1.2.1", L3)], "县司法局-照片.jpg"),
    ]
    names = folder_names(files)
    for chain, file_name in files:
        path = "/".join([*(names[code] for code, _title in chain), file_name])
        assert _within_budget(path), (utf16_len(path), path)
    assert names["1"] == "1 " + L1  # the shortest title on the way keeps its words
    _cut_at_punctuation(names["1.1"], "1.1", L2)
    _cut_at_punctuation(names["1.1.1"], "1.1.1", L3)
    _cut_at_punctuation(names["1.2.1"], "1.2.1", L3)
    assert names["1.1.2"] == "1.1.2 三级指标2" and names["1.2"] == "1.2 加大简政放权力度"
    # the folder with the shorter file name and sibling gets the longer share
    assert len(names["1.2.1"]) > len(names["1.1.1"])
    assert "…不以备案、登记、行" not in "".join(names.values())  # the old cut mid-phrase


def test_budget_counts_utf16_code_units():
    rare = "𠀀" * 200  # CJK extension B: two UTF-16 units each
    names = folder_names([([("1", "甲"), ("1.1", "乙"), ("1.1.1", rare)], "a.pdf")])
    path = f"{names['1']}/{names['1.1']}/{names['1.1.1']}/a.pdf"
    # 70 of them and the "…" take 141 units: the folder's path is at its limit (247 - 90 units)
    assert names["1.1.1"] == "1.1.1 " + "𠀀" * 70 + ELLIPSIS and _within_budget(path)
    assert PATH_MARGIN + utf16_len(path.rsplit("/", 1)[0]) == MAX_PATH - 13
    assert utf16_len("𠀀") == 2 and fit_title("𠀀𠀀𠀀", 5) == "𠀀𠀀" + ELLIPSIS


def test_a_cut_never_ends_on_a_comma_or_an_opening_bracket():
    assert fit_title("完善依法行政制度体系，推进科学民主依法决策", 12) == "完善依法行政制度体系…"
    assert fit_title("完善制度（规范性文件备案审查制度建设", 6) == "完善制度…"  # no punctuation: cut hard, "（" dropped
    assert fit_title("加强规范性文件（备案）审查，推进合法性审核", 14) == "加强规范性文件（备案）…"
    assert fit_title("短标题", 3) == "短标题" and fit_title("短标题", 1) == ""


def test_names_stay_unique_after_cutting():
    twins = [L3 + "（一）", L3 + "（二）"]
    names = folder_names(
        [([("1", L1), ("1.1", L2), (f"1.1.{n}", title)], "x.pdf") for n, title in enumerate(twins, start=1)]
    )
    assert names["1.1.1"][len("1.1.1") :] == names["1.1.2"][len("1.1.2") :]  # the same cut title ...
    assert names["1.1.1"] != names["1.1.2"]  # ... and still two folders: the code leads

    taken = set()
    assert builders._unique("县司法局-通知.pdf", taken) == "县司法局-通知.pdf"
    assert builders._unique("县司法局-通知.PDF", taken) == "县司法局-通知（2）.PDF"  # Windows ignores case


def test_safe_names_are_valid_on_windows():
    assert safe_name("CON") == "_CON" and safe_name("nul.txt") == "_nul.txt" and safe_name("com1 .pdf") == "_com1 .pdf"
    assert safe_name("Lpt9") == "_Lpt9" and safe_name("CONSOLE") == "CONSOLE" and safe_name("CONSOLE", 3) == "_CO"
    assert safe_name("通知. ") == "通知" and safe_name('a<b>c|d?"e') == "a_b_c_d_e"
    assert safe_name("𠀀" * 40, 61) == "𠀀" * 30  # counted in UTF-16 units


# --- the package ---------------------------------------------------------------------------


@pytest.fixture
def long_county(world):
    """The world's campaign with real-length titles and two documents whose names collide once cut."""
    i1, i2, i3 = world.indicators
    Indicator.objects.filter(pk=i1.parent.parent_id).update(title=L1)
    Indicator.objects.filter(pk=i1.parent_id).update(title=L2)
    Indicator.objects.filter(pk=i1.pk).update(title=L3)
    world.campaign.city_office = world.city
    world.campaign.save()
    long_title = (
        "关于全面推行行政许可事项清单管理、规范行政许可实施、清理变相许可的通知及其附件、说明和各乡镇街道落实情况汇总表"
    )
    for title, kind, name, data, share in (
        (long_title + "（一）.pdf", "document", "a.pdf", samples.pdf("a"), world.shares.a_overdue),
        (long_title + "（二）.pdf", "document", "b.pdf", samples.pdf("b"), world.shares.a_overdue),
        ('=HYPERLINK("http://evil","点我")', "image", "c.jpg", samples.jpeg(), world.shares.a_overdue),
        ("@SUM(1)", "document", "d.pdf", samples.pdf("d"), world.shares.a_soon),
    ):
        e = evidence_add(
            assignment=share, kind=kind, title=title, upload=SimpleUploadedFile(name, data), by=world.liaison_a
        )
        evidence_review(evidence=e, decision="accepted", by=world.office_staff)
    return world


def _run(campaign, kind, by):
    job = report_request(campaign=campaign, kind=kind, by=by)
    assert report_run(job.pk) == ReportJob.Status.DONE
    job.refresh_from_db()
    return job


def _package(job):
    with job.file.open("rb") as fh:
        return zipfile.ZipFile(io.BytesIO(fh.read()))


def test_package_paths_fit_windows_and_the_manifest_keeps_the_full_titles(long_county):
    with translation.override("en"):  # whoever asks, the package is made in the county's language
        job = _run(long_county.campaign, "package", long_county.office_admin)
    with _package(job) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        rows = list(csv.reader(io.StringIO(zf.read("manifest.csv").decode("utf-8-sig"))))
        index = zf.read("index.html").decode()
        assert set(zf.namelist()) == {m["path"] for m in manifest} | {"manifest.csv", "manifest.json", "index.html"}
    evidence = [m for m in manifest if m["indicator"] == "1.1.1"]
    assert len(evidence) == 3 and all(_within_budget(m["path"]) for m in manifest)
    folder1, folder2, folder3 = evidence[0]["path"].split("/")[:3]
    _cut_at_punctuation(folder1, "1", L1)  # the long file names leave the three titles less room
    _cut_at_punctuation(folder2, "1.1", L2)
    _cut_at_punctuation(folder3, "1.1.1", L3)
    assert all(m["indicator_title"] == L3 for m in evidence)  # in full, whatever the folder shows
    names = [m["path"].rsplit("/", 1)[1] for m in evidence]
    assert len(set(names)) == 3 and names[1] == names[0].replace(".pdf", "（2）.pdf")  # cut to the same, made unique

    assert rows[0] == ["路径", "指标", "指标名称", "亦用于", "单位", "类型", "标题", "大小（字节）", "SHA-256"]
    assert [r[5] for r in rows[1:]] == ["文件", "文件", "图片", "文件"]
    assert rows[1][2] == L3 and rows[1][0] == evidence[0]["path"]
    assert "<th>路径</th>" in index and "<th>指标</th>" in index and "佐证材料目录" in index and L3 in index
    links = [unquote(html.unescape(h)) for h in re.findall(r'<a href="([^"]+)"', index)]
    assert sorted(links) == sorted(m["path"] for m in manifest)  # every row opens its file


def test_manifest_json_keeps_its_english_keys_and_codes_and_the_csv_escapes_formulas(long_county):
    _run(long_county.campaign, "pdf", long_county.office_admin)
    job = _run(long_county.campaign, "package", long_county.office_admin)
    with _package(job) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        text = zf.read("manifest.csv").decode("utf-8-sig")
    assert {"path", "size", "sha256", "indicator", "unit", "kind"} == set(manifest[0]) and manifest[0][
        "kind"
    ] == "report"
    assert all(set(m) == JSON_KEYS for m in manifest[1:])
    assert [m["kind"] for m in manifest] == ["report", "document", "document", "image", "document"]
    assert '=HYPERLINK("http://evil","点我")' in [m.get("title") for m in manifest]  # the JSON keeps the title as it is
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert '\'=HYPERLINK("http://evil","点我")' in cells and "'@SUM(1)" in cells
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert "自评报告" in cells  # the report's kind


def test_manifest_headers_and_kinds_follow_the_language_the_package_is_built_in(long_county, tmp_path):
    for language, header, kinds in (
        (
            "en",
            ["Path", "Indicator", "Indicator title", "Also used for", "Unit", "Kind", "Title"],
            {"Document", "Photo"},
        ),
        ("zh-hans", ["路径", "指标", "指标名称", "亦用于", "单位", "类型", "标题"], {"文件", "图片"}),
    ):
        out = tmp_path / f"{language}.zip"
        with translation.override(language), open(out, "wb") as fh:
            builders.build_package(long_county.campaign, fh)
        with zipfile.ZipFile(out) as zf:
            rows = list(csv.reader(io.StringIO(zf.read("manifest.csv").decode("utf-8-sig"))))
            keys = {k for m in json.loads(zf.read("manifest.json")) for k in m}
        assert rows[0][:7] == header and {r[5] for r in rows[1:]} == kinds and keys == JSON_KEYS


def test_a_submission_of_the_new_package_verifies_and_so_does_an_older_manifest(long_county):
    _run(long_county.campaign, "pdf", long_county.office_admin)
    _run(long_county.campaign, "package", long_county.office_admin)
    submission = submit_confirmed(long_county.campaign, long_county.office_admin)
    assert submission_verify(submission) == []
    assert [m["indicator_title"] for m in submission.manifest if m["indicator"] == "1.1.1"] == [L3] * 3
    # A submission stored before the manifest had indicator titles reads back the same.
    submission.manifest = [{k: v for k, v in m.items() if k != "indicator_title"} for m in submission.manifest]
    submission.save()
    submission.refresh_from_db()
    assert submission_verify(submission) == []
