"""The 自评报告 PDF as a county would sign it (issue 17): the cover, the narratives, the
scores, the problems and tables that never break a date or a short word."""

import datetime
import subprocess

import pytest
from django.utils import timezone

from assessment.models import Assessment
from assessment.services import assessment_save
from core import officedoc
from tests.reports.test_reports import _run

pytestmark = pytest.mark.django_db


def _pdf_text(job, tmp_path, layout=False):
    path = tmp_path / "r.pdf"
    with job.file.open("rb") as fh:
        path.write_bytes(fh.read())
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_cover_names_the_office_as_issuer_and_dates_in_chinese_numerals(county, tmp_path):
    flat = "".join(_pdf_text(_run(county.campaign, "pdf", county.office_admin), tmp_path).split())
    assert "中共测试县委全面依法治县委员会办公室" in flat  # the office unit's name, the county written out
    assert officedoc.chinese_date(timezone.localdate()) in flat  # 二〇二六年十二月
    assert f"{timezone.localdate():%Y}年" not in flat.split("目录")[0]


def test_highlights_are_printed_without_an_indicator_code(county, tmp_path):
    ind = county.indicators[0]
    assessment_save(campaign=county.campaign, indicator=ind, by=None, result="met", highlights="探索一业一证改革")
    flat = "".join(_pdf_text(_run(county.campaign, "pdf", county.office_admin), tmp_path).split())
    highlights = flat.split("三、特色亮点")[-1].split("四、存在问题")[0]
    assert "探索一业一证改革" in highlights and f"{ind.code}：" not in highlights


def test_unscored_items_say_so_and_unassessed_ones_are_listed_as_problems(county, tmp_path):
    first, second, third = county.indicators
    for ind in county.indicators:
        ind.score = "1.50"
        ind.save()
    Assessment.objects.filter(indicator=third).update(result="", status=Assessment.Status.TODO)
    flat = "".join(_pdf_text(_run(county.campaign, "pdf", county.office_admin), tmp_path).split())
    assert "—/1.50" not in flat and "分值1.50，未自评分" in flat
    problems = flat.split("四、存在问题")[-1].split("五、下一步打算")[0]
    assert f"{third.code}{third.title}（未自评）" in problems
    assert f"{second.code}{second.title}（基本达标）" in problems


def test_table_cells_break_neither_a_date_nor_a_short_word(county, tmp_path):
    assessment_save(
        campaign=county.campaign,
        indicator=county.indicators[1],
        by=None,
        result="partial",
        shortfall="制度尚未出台",
        rectification={
            "measure": "补充完善相关制度文件并报送佐证材料",
            "owner": county.unit_a,
            "deadline": datetime.date(2026, 12, 20),
        },
    )
    lines = _pdf_text(_run(county.campaign, "pdf", county.office_admin), tmp_path, layout=True).splitlines()
    # Each on one line of the laid-out text: a cell that wrapped it would leave "20" and "日" apart.
    for word in ("2026年12月20日", "基本达标", "未自评", "不适用", "完成时限", "责任单位"):
        assert any(word in line for line in lines), word
