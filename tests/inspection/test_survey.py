"""The satisfaction pre-survey (满意度模拟测评): import through the shared table reader with
upload → preview → confirm, row-numbered errors and nothing written; results per question
and township."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from inspection.models import SurveyAnswer, SurveyQuestion, SurveyResponse, SurveyRound
from inspection.selectors import survey_results, survey_weak_points
from inspection.services import survey_import
from inspection.survey import survey_parse
from org.models import Unit
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db
HEADER = "序号,乡镇,对政府依法行政工作是否满意,对行政执法是否满意,是否知晓法治政府建设示范创建\n"


def _csv(*rows, header=HEADER):
    return (header + "".join(r + "\n" for r in rows)).encode("utf-8")


@pytest.fixture
def towns(world):
    UnitFactory(code="T02", name="河西街道", short_name="河西街道", kind=Unit.Kind.TOWNSHIP, aliases=["河西"])
    return world


def test_a_good_file_is_parsed_and_imported_whole(towns):
    data = _csv("1,城关镇,5,4,是", "2,城关镇,非常满意,2,否", "3,河西,3,不满意,1", "4,河西街道,4,,0")
    parsed = survey_parse(data)
    assert parsed.errors == []
    assert [(p, k) for p, _t, k in parsed.questions] == [(1, "satisfaction"), (2, "satisfaction"), (3, "awareness")]
    survey = survey_import(campaign=towns.campaign, parsed=parsed, by=towns.office_staff, title="11月")
    assert survey.response_count == 4 and SurveyResponse.objects.count() == 4
    assert SurveyAnswer.objects.count() == 11  # one empty cell is no answer
    results = survey_results(survey)
    assert [(r.done, r.total, r.pct) for r in results["satisfaction"]] == [(3, 4, 75), (1, 3, 33)]
    assert [(r.done, r.total) for r in results["awareness"]] == [(2, 4)]
    by_town = {r.label: r.pct for r in results["township_satisfaction"]}
    assert by_town == {"城关镇": 75, "河西街道": 33}
    assert {r.label: r.pct for r in results["township_awareness"]} == {"城关镇": 50, "河西街道": 50}
    weakest = survey_weak_points(survey)[0]
    assert (weakest[0].position, weakest[1], weakest[2].pct) == (2, "河西街道", 0)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (("1,城关镇,6,4,是",), "第 2 行"),
        (("1,城关镇,5,4,是", "2,城关镇,0,4,是"), "第 3 行"),
        (("1,城关镇,5,4,2",), "第 2 行"),
        (("1,城关镇,4.5,4,是",), "第 2 行"),
        (("1,城关镇,很好,4,是",), "很好"),
        (("1,东山乡,5,4,是",), "东山乡"),
        (("1,,5,4,是",), "第 2 行"),
    ],
)
def test_bad_rows_are_named_and_nothing_can_be_imported(towns, rows, message, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    from django.utils import translation

    with translation.override("zh-hans"):
        parsed = survey_parse(_csv(*rows))
    assert parsed.errors and message in " ".join(parsed.errors)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        survey_import(campaign=towns.campaign, parsed=parsed, by=towns.office_staff, title="x")
    assert not SurveyRound.objects.exists()


def test_a_file_without_township_column_or_questions_is_refused(towns):
    assert survey_parse(_csv("1,5,4", header="序号,满意度,执法\n")).errors
    assert survey_parse(_csv("1,城关镇", header="序号,乡镇\n")).errors
    assert survey_parse(_csv(header=HEADER)).errors


def test_only_the_office_imports(towns):
    parsed = survey_parse(_csv("1,城关镇,5,4,是"))
    with pytest.raises(PermissionDenied):
        survey_import(campaign=towns.campaign, parsed=parsed, by=towns.liaison_b, title="x")


def test_the_database_holds_the_score_range_and_one_answer_per_question(towns):
    survey = survey_import(
        campaign=towns.campaign, parsed=survey_parse(_csv("1,城关镇,5,4,是")), by=towns.office_admin, title="x"
    )
    response = SurveyResponse.objects.get()
    question = SurveyQuestion.objects.get(round=survey, position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyAnswer.objects.filter(response=response, question=question).update(score=9)
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyAnswer.objects.create(response=response, question=question, score=3)


def test_xlsx_and_ods_exports_are_read_by_the_shared_reader(towns):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2026年11月满意度模拟测评结果"])
    ws.append(["乡镇", "总体满意度", "是否知晓12345"])
    ws.append(["城关镇", 5, "是"])
    ws.append(["河西街道", 2, "否"])
    import io

    out = io.BytesIO()
    wb.save(out)
    parsed = survey_parse(out.getvalue())
    assert parsed.errors == [] and len(parsed.rows) == 2 and parsed.rows[0][0] == 3


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"%PDF-1.4 not a table",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        b"PK\x03\x04 broken zip",
        '乡镇,满意\n城关镇,=HYPERLINK("http://evil")\n'.encode(),
        b"\xff\xfe\x00\x00garbage" * 100,
    ],
)
def test_hostile_files_are_refused_with_a_message_and_write_nothing(client, towns, data):
    client.force_login(towns.office_admin)
    response = client.post(
        "/inspection/survey/import/",
        {"title": "恶意文件", "file": SimpleUploadedFile("测评.xlsx", data)},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="token"' not in page or 'value=""' in page
    assert not SurveyRound.objects.exists()


def test_upload_preview_confirm_imports_and_shows_the_results(client, towns):
    client.force_login(towns.office_staff)
    response = client.post(
        "/inspection/survey/import/",
        {"title": "11月模拟测评", "file": SimpleUploadedFile("测评.csv", _csv("1,城关镇,5,4,是", "2,河西,2,1,否"))},
    )
    assert response.status_code == 200 and response.context["token"]
    assert not SurveyRound.objects.exists()  # the preview writes nothing
    response = client.post("/inspection/survey/import/confirm/", {"token": response.context["token"]})
    survey = SurveyRound.objects.get()
    assert response.status_code == 302 and response["Location"] == survey.get_absolute_url()
    page = client.get(survey.get_absolute_url()).content.decode()
    assert "对行政执法是否满意" in page and "河西街道" in page and "<svg" in page


def test_a_file_with_errors_shows_them_and_offers_no_confirm(client, towns):
    client.force_login(towns.office_staff)
    response = client.post(
        "/inspection/survey/import/",
        {"title": "x", "file": SimpleUploadedFile("测评.csv", _csv("1,城关镇,5,4,是", "2,东山乡,9,4,是"))},
    )
    page = response.content.decode()
    assert "第 3 行" in page and "东山乡" in page and not response.context["token"]


def test_units_cannot_see_a_survey(client, towns):
    survey = survey_import(
        campaign=towns.campaign, parsed=survey_parse(_csv("1,城关镇,5,4,是")), by=towns.office_admin, title="x"
    )
    client.force_login(towns.liaison_b)
    assert client.get(survey.get_absolute_url()).status_code == 404
    assert client.get("/inspection/survey/").status_code == 403


def test_results_take_a_fixed_number_of_queries(towns, django_assert_max_num_queries):
    rows = [f"{n},{'城关镇' if n % 2 else '河西'},{1 + n % 5},{1 + (n * 3) % 5},{n % 2}" for n in range(200)]
    survey = survey_import(campaign=towns.campaign, parsed=survey_parse(_csv(*rows)), by=towns.office_admin, title="x")
    with django_assert_max_num_queries(2):
        survey_results(survey)


def test_a_weak_point_becomes_a_pool_item_of_its_township_once(client, towns):
    import datetime

    from assessment.models import Rectification

    parsed = survey_parse(_csv("1,城关镇,5,4,是", "2,河西,2,1,否", "3,河西,1,2,否"))
    survey = survey_import(campaign=towns.campaign, parsed=parsed, by=towns.office_staff, title="11月")
    question, town_name, rate, town_id = survey_weak_points(survey)[0]
    client.force_login(towns.office_staff)
    url = f"/inspection/survey/{survey.pk}/pool/"
    data = {"question": question.pk, "township": town_id, "measure": "进村宣讲", "deadline": "2030-01-31"}
    response = client.post(url, data)
    item = Rectification.objects.get()
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    assert (item.source, item.owner.name, item.deadline) == ("survey", "河西街道", datetime.date(2030, 1, 31))
    assert question.text in item.source_detail and f"{rate.pct}%" in item.source_detail
    client.post(url, data)  # the same weak point again: the item already there
    assert Rectification.objects.count() == 1
    strong = survey.questions.get(position=1)
    chengguan = Unit.objects.get(name="城关镇")
    page = client.post(url, {**data, "question": strong.pk, "township": chengguan.pk}, follow=True)
    assert "不是薄弱项" in page.content.decode() and Rectification.objects.count() == 1
    client.force_login(towns.liaison_b)  # the survey is the office's: for a unit it does not exist
    assert client.post(url, data).status_code == 404
