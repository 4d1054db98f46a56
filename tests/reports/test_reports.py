"""Reports: the PDF, the evidence package, the workbook, jobs and the frozen submission."""

import hashlib
import io
import json
import subprocess
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessment.services import assessment_save
from org.models import Membership, Unit
from org.services import membership_create
from reports.models import ReportJob, Submission
from reports.services import report_request, report_run
from tests.factories import UnitFactory, UserFactory
from tests.reports.submitting import submit_confirmed

pytestmark = pytest.mark.django_db


def _run(campaign, kind, by):
    job = report_request(campaign=campaign, kind=kind, by=by)
    assert report_run(job.pk) == ReportJob.Status.DONE
    job.refresh_from_db()
    return job


def test_pdf_has_every_indicator_and_heading_in_embedded_cjk_fonts(county, tmp_path):
    job = _run(county.campaign, "pdf", county.office_admin)
    path = tmp_path / "r.pdf"
    with job.file.open("rb") as fh:
        path.write_bytes(fh.read())
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    for heading in (
        "自评报告",
        "目录",
        "一、基本情况",
        "二、主要做法和成效",
        "三、特色亮点",
        "四、存在问题",
        "五、下一步打算",
        "自评结果汇总",
    ):
        assert heading in flat, heading
    for ind in county.indicators:
        assert ind.title in flat
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts and all(" yes " in line for line in fonts.splitlines()[2:])
    assert job.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() and job.size == path.stat().st_size


def test_package_manifest_matches_its_files(county):
    _run(county.campaign, "pdf", county.office_admin)
    job = _run(county.campaign, "package", county.office_admin)
    with job.file.open("rb") as fh, zipfile.ZipFile(io.BytesIO(fh.read())) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        names = set(zf.namelist())
        assert {"manifest.csv", "manifest.json", "index.html"} <= names
        for entry in manifest:
            data = zf.read(entry["path"])
            assert len(data) == entry["size"] and hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert any(m["kind"] == "report" and m["path"].endswith(".pdf") for m in manifest)
    paths = [m["path"] for m in manifest if m["kind"] != "report"]
    assert any(
        p.startswith("1 政府职能依法全面履行/1.1 加大简政放权力度/1.1.2") and p.endswith("县司法局-通知.pdf")
        for p in paths
    )


def test_volume_plan_keeps_order_and_limit_and_never_cuts_a_file():
    from reports.builders import plan_volumes

    infos = [zipfile.ZipInfo(name) for name in ("a", "b", "c", "d")]
    for info, size in zip(infos, (300, 300, 2000, 100)):
        info.file_size = size
    plan = plan_volumes(infos, 1000)
    assert [[i.filename for i in v] for v in plan] == [["a", "b"], ["c"], ["d"]]  # c alone: larger than a volume


def test_package_split_into_volumes_that_open_alone_and_add_up_to_the_package(client, county, settings):
    """An upload portal takes at most N MB a file: the package also comes as volumes, each a
    ZIP of its own under the limit, together exactly the package, the manifest in the first."""
    settings.PACKAGE_VOLUME_MB = 0.004  # about 4 KB, so the sample files need several volumes
    limit = int(settings.PACKAGE_VOLUME_MB * 1024 * 1024)
    _run(county.campaign, "pdf", county.office_admin)
    job = _run(county.campaign, "package", county.office_admin)
    assert len(job.volumes) >= 2
    with job.file.open("rb") as fh, zipfile.ZipFile(io.BytesIO(fh.read())) as zf:
        whole = {name: zf.read(name) for name in zf.namelist()}
    parts = {}
    for number, volume in enumerate(job.volumes, start=1):
        client.force_login(county.liaison_a)
        assert client.get(f"/reports/jobs/{job.pk}/download/?volume={number}").status_code == 403  # office only
        client.force_login(county.office_staff)
        response = client.get(f"/reports/jobs/{job.pk}/download/?volume={number}")
        data = b"".join(response.streaming_content)
        client.logout()
        assert (
            response.status_code == 200
            and hashlib.sha256(data).hexdigest() == volume["sha256"]
            and len(data) == volume["size"]
        )
        assert (
            f"第{number}卷" in volume["name"]
            and f"共{len(job.volumes)}卷" in volume["name"]
            and volume["name"].endswith(".zip")
        )
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            assert len(data) <= limit or len(names) == 1
            if number == 1:
                assert names[:3] == ["manifest.csv", "manifest.json", "index.html"]
            for name in names:
                assert name not in parts
                parts[name] = zf.read(name)
    assert parts == whole
    from core.models import AuditEvent

    assert AuditEvent.objects.filter(verb="downloaded", after__volume=1).exists()
    client.force_login(county.office_staff)
    for bad in ("0", str(len(job.volumes) + 1), "abc", "-1", ""):
        assert client.get(f"/reports/jobs/{job.pk}/download/?volume={bad}").status_code == 404
    page = client.get(reverse("reports:index")).content.decode()
    assert f"另分为 {len(job.volumes)} 卷" in page and "?volume=1" in page


def test_a_package_under_the_volume_size_is_not_split(county, settings):
    settings.PACKAGE_VOLUME_MB = 100
    job = _run(county.campaign, "package", county.office_admin)
    assert job.volumes == []


def test_evidence_linked_to_further_indicators_is_listed_under_them(county, tmp_path):
    """Packed once, under its own indicator; the report lists it under the others too
    (pointing back), and the manifest and index name them."""
    from evidence.models import Evidence
    from evidence.services import evidence_link_indicators

    notice = Evidence.objects.get(title="通知.pdf")
    evidence_link_indicators(evidence=notice, indicators=[county.indicators[2]], by=county.liaison_a)
    job = _run(county.campaign, "pdf", county.office_admin)
    path = tmp_path / "r.pdf"
    with job.file.open("rb") as fh:
        path.write_bytes(fh.read())
    flat = "".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    assert flat.count("文件：通知.pdf") == 2 and "见1.1.2" in flat
    job = _run(county.campaign, "package", county.office_admin)
    with job.file.open("rb") as fh, zipfile.ZipFile(io.BytesIO(fh.read())) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        packed = [m for m in manifest if m.get("title") == "通知.pdf"]
        assert len(packed) == 1 and packed[0]["indicator"] == "1.1.2" and packed[0]["also"] == "1.1.3"
        assert (
            "亦用于" in zf.read("index.html").decode()
            and ",亦用于," in zf.read("manifest.csv").decode("utf-8-sig").splitlines()[0] + ","
        )


def test_workbook_has_three_sheets_and_escapes_formulas(county):
    import openpyxl

    from evidence.models import Evidence

    Evidence.objects.filter(title="通知.pdf").update(title='=HYPERLINK("http://evil","点我")')
    job = _run(county.campaign, "xlsx", county.office_admin)
    with job.file.open("rb") as fh:
        wb = openpyxl.load_workbook(io.BytesIO(fh.read()))
    assert len(wb.sheetnames) == 3 and wb.worksheets[0].max_row == 5
    titles = [c.value for c in wb.worksheets[1]["D"]]
    assert '\'=HYPERLINK("http://evil","点我")' in titles
    assert all(c.data_type != "f" for row in wb.worksheets[1].iter_rows() for c in row)


def test_two_requests_make_one_job_and_a_redelivered_task_does_nothing(county):
    first = report_request(campaign=county.campaign, kind="pdf", by=county.office_admin)
    second = report_request(campaign=county.campaign, kind="pdf", by=county.office_staff)
    assert first.pk == second.pk and ReportJob.objects.count() == 1
    assert report_run(first.pk) == ReportJob.Status.DONE
    assert report_run(first.pk) is None  # the message delivered again
    assert ReportJob.objects.get().attempts == 1


def test_a_failed_job_shows_its_error(county):
    from evidence.models import EvidenceRevision

    revision = EvidenceRevision.objects.filter(file__endswith=".pdf").first()
    revision.file.storage.delete(revision.file.name)  # the stored file vanished
    job = report_request(campaign=county.campaign, kind="package", by=county.office_admin)
    assert report_run(job.pk) == ReportJob.Status.FAILED
    job.refresh_from_db()
    assert job.status == "failed" and "FileNotFoundError" in job.error


def test_submission_is_frozen_and_moves_the_stage(county):
    _run(county.campaign, "pdf", county.office_admin)
    _run(county.campaign, "package", county.office_admin)
    submission = submit_confirmed(county.campaign, county.office_admin)
    county.campaign.refresh_from_db()
    assert county.campaign.stage == "declared"
    report_before = hashlib.sha256(submission.report.open("rb").read()).hexdigest()
    assert report_before == submission.report_sha256
    assessment_save(
        campaign=county.campaign, indicator=county.indicators[2], by=None, result="not_met", practice="改了"
    )
    _run(county.campaign, "pdf", county.office_admin)
    submission.refresh_from_db()
    assert hashlib.sha256(submission.report.open("rb").read()).hexdigest() == report_before
    from reports.services import submission_verify

    assert submission_verify(submission) == []


def test_submission_freezes_what_the_city_compares(county):
    """The city's workspace reads the figures of the day of submission: a later change to an
    assessment or a share leaves them as they were."""
    _run(county.campaign, "pdf", county.office_admin)
    _run(county.campaign, "package", county.office_admin)
    submission = submit_confirmed(county.campaign, county.office_admin)
    frozen = submission.eligibility
    i1, _i2, i3 = (i.code for i in county.indicators)
    assert submission.snapshot["indicators"][i1]["result"] == "met"
    assert submission.snapshot["indicators"][i3]["result"] == "not_applicable"
    assert frozen["evidence"] == 2  # the two accepted files, not the report
    assert frozen["overdue"] == 1  # a_overdue: three days late and not accepted
    assert frozen["veto_blockers"] == [] and frozen["rectifications_open"] == 0
    assessment_save(campaign=county.campaign, indicator=county.indicators[0], by=None, result="not_met", practice="改")
    submission.refresh_from_db()
    assert submission.eligibility == frozen and submission.snapshot["indicators"][i1]["result"] == "met"


def test_verify_reports_a_damaged_or_missing_file_instead_of_failing(county):
    """What verification exists for: a file changed or lost in storage is named, never a server error."""
    from django.utils import translation

    from reports.services import submission_verify

    _run(county.campaign, "pdf", county.office_admin)
    _run(county.campaign, "package", county.office_admin)
    submission = submit_confirmed(county.campaign, county.office_admin)
    with open(submission.package.path, "r+b") as fh:
        fh.truncate(100)  # cut short: the ZIP's directory at the end is gone
    import os

    os.remove(submission.report.path)
    with translation.override("zh-hans"):
        problems = [str(p) for p in submission_verify(submission)]
    assert problems == ["存储中找不到自评报告。", "佐证材料包与其校验值不一致。", "材料包无法作为 ZIP 文件打开。"]


def test_submission_needs_both_files(county):
    from django.core.exceptions import ValidationError

    _run(county.campaign, "pdf", county.office_admin)
    with pytest.raises(ValidationError):
        submit_confirmed(county.campaign, county.office_admin)
    assert not Submission.objects.exists()


def test_city_reviewer_sees_only_its_citys_submissions(client, county):
    _run(county.campaign, "pdf", county.office_admin)
    _run(county.campaign, "package", county.office_admin)
    submission = submit_confirmed(county.campaign, county.office_admin)
    other_city = UnitFactory(code="C02", name="另一市依法治市办", kind=Unit.Kind.CITY_OFFICE)
    other = UserFactory(username="other-city")
    membership_create(user=other, unit=other_city, role=Membership.Role.CITY_REVIEWER)
    client.force_login(other)
    assert client.get(submission.get_absolute_url()).status_code == 404
    assert client.get(reverse("reports:submission_download", args=[submission.pk, "package"])).status_code == 404
    assert list(client.get(reverse("reports:submissions")).context["items"]) == []
    client.force_login(county.city_reviewer)
    assert client.get(submission.get_absolute_url() + "?verify=1").context["problems"] == []
    response = client.get(reverse("reports:submission_download", args=[submission.pk, "report"]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    # The free-text review is gone (review/ records decisions); the page is read-only now.
    assert client.post(submission.get_absolute_url(), {"text": "材料齐全"}).status_code == 405
    assert [s.pk for s in client.get("/").context["submissions"]] == [submission.pk]


def test_an_earlier_free_text_review_stays_readable(client, county):
    _run(county.campaign, "pdf", county.office_admin)
    _run(county.campaign, "package", county.office_admin)
    submission = submit_confirmed(county.campaign, county.office_admin)
    Submission.objects.filter(pk=submission.pk).update(city_review="材料齐全，建议推荐。")
    client.force_login(county.city_reviewer)
    assert "材料齐全，建议推荐。" in client.get(submission.get_absolute_url()).content.decode()
    assert "材料齐全，建议推荐。" in client.get(reverse("review:submission", args=[submission.pk])).content.decode()


def test_resubmitting_makes_the_next_version(county):
    _run(county.campaign, "pdf", county.office_admin)
    _run(county.campaign, "package", county.office_admin)
    first = submit_confirmed(county.campaign, county.office_admin)
    second = submit_confirmed(county.campaign, county.office_admin)
    assert (first.version, second.version) == (1, 2)
    assert set(first.snapshot["indicators"]) == {i.code for i in county.indicators}


@pytest.mark.parametrize("persona", ["liaison_a", "leader_a", "city_reviewer", "nobody"])
def test_units_and_the_city_cannot_start_or_download_a_report(client, county, persona):
    job = _run(county.campaign, "xlsx", county.office_admin)
    client.force_login(getattr(county, persona))
    assert client.post(reverse("reports:compile"), {"kind": "pdf"}).status_code == 403
    assert client.get(reverse("reports:download", args=[job.pk])).status_code == 403
    assert client.get(reverse("reports:index")).status_code == 403
    assert ReportJob.objects.count() == 1


def test_office_page_compiles_and_polls_while_running(client, county, django_capture_on_commit_callbacks):
    client.force_login(county.office_staff)
    client.post(reverse("reports:compile"), {"kind": "pdf"})
    body = client.get(reverse("reports:jobs")).content.decode()
    assert 'hx-trigger="every 1s"' in body and "排队" in body
    report_run(ReportJob.objects.get().pk)
    body = client.get(reverse("reports:jobs")).content.decode()
    assert "hx-trigger" not in body and reverse("reports:download", args=[ReportJob.objects.get().pk]) in body
    response = client.post(reverse("reports:compile"), {"kind": "nonsense"}, follow=True)
    assert "未知" in response.content.decode()


@pytest.mark.parametrize("kind", [k for k in ReportJob.Kind.values if k not in ReportJob.SUBJECT_KINDS])
def test_the_jobs_poll_while_a_job_of_any_kind_is_under_way(client, county, kind):
    # The DOCX card was once left out of the condition: its job queued, the page never updated.
    client.force_login(county.office_staff)
    assert "hx-trigger" not in client.get(reverse("reports:jobs")).content.decode()
    report_request(campaign=county.campaign, kind=kind, by=county.office_staff, enqueue=False)
    assert 'hx-trigger="every 1s"' in client.get(reverse("reports:jobs")).content.decode()


def test_compile_report_command_prints_the_path(county, tmp_path, capsys):
    out = tmp_path / "report.pdf"
    call_command("compile_report", "--campaign", county.campaign.slug, "--kind", "pdf", "-o", str(out))
    assert capsys.readouterr().out.strip() == str(out) and out.read_bytes()[:4] == b"%PDF"


def test_report_text_edits_are_audited_with_before_and_after(client, county):
    from core.models import AuditEvent

    client.force_login(county.office_staff)
    client.post(reverse("reports:index"), {"basic_facts": "本县概况", "highlights": "亮点", "next_steps": ""})
    client.post(reverse("reports:index"), {"basic_facts": "本县概况（修订）", "highlights": "亮点", "next_steps": ""})
    last = AuditEvent.objects.filter(verb="updated", object_type="reports.reporttext").order_by("-id").first()
    assert last.before == {"basic_facts": "本县概况"} and last.after == {"basic_facts": "本县概况（修订）"}
    response = client.post(reverse("reports:index"), {"basic_facts": "字" * 10001, "highlights": "", "next_steps": ""})
    assert response.status_code == 200 and "10000" in response.content.decode()


def test_package_names_are_safe_and_never_end_on_punctuation():
    from reports.builders import safe_name

    assert safe_name("完善依法行政制度体系，推进科学民主依法决策", 11) == "完善依法行政制度体系"
    assert safe_name("加强（行政）规范性文件", 3) == "加强"
    assert safe_name('a/b\\c:d*e?"<>|\x00', 60) == "a_b_c_d_e_"
    assert safe_name("，，，", 60) == "_" and safe_name("...", 60) == "_"


def test_report_context_queries_do_not_grow_with_assessments(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.builders import report_context

    assessment_save(campaign=world.campaign, indicator=world.indicators[0], by=None, result="partial")
    with CaptureQueriesContext(connection) as one:
        report_context(world.campaign)
    for ind in world.indicators[1:]:
        assessment_save(campaign=world.campaign, indicator=ind, by=None, result="not_met")
    with CaptureQueriesContext(connection) as three:
        report_context(world.campaign)
    assert len(three.captured_queries) == len(one.captured_queries)
