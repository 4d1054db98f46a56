"""The pages of the write side: a version's decision page, the versions and what changed, the
county office's list of return comments and the comments on its assessment pages, the 推荐函."""

import io
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment.services import assessment_save
from evidence.services import evidence_add, evidence_review
from reports.models import ReportJob
from reports.services import report_request, report_run, submission_verify
from review.models import Decision, RecommendationLetter, ReturnComment
from review.services import decision_make, recommendation_make
from tests.evidence import samples
from tests.reports.submitting import submit_confirmed
from tests.review.conftest import submit_version

pytestmark = pytest.mark.django_db


def _compile(campaign, by):
    for kind in ("pdf", "package"):
        assert report_run(report_request(campaign=campaign, kind=kind, by=by).pk) == ReportJob.Status.DONE


def test_each_version_is_frozen_numbered_and_the_diff_reads_what_was_sent(client, tree):
    w = tree
    _compile(w.campaign, w.office_admin)
    v1 = submit_confirmed(w.campaign, w.office_admin)
    i1, i2, _i3 = w.indicators
    assessment_save(campaign=w.campaign, indicator=i2, by=w.office_admin, result="met", self_score=2)
    e = evidence_add(
        assignment=w.shares.a_ongoing,
        kind="document",
        title="补充.pdf",
        upload=SimpleUploadedFile("补充.pdf", samples.pdf("b")),
        by=w.liaison_a,
    )
    evidence_review(evidence=e, decision="accepted", by=w.office_staff)
    _compile(w.campaign, w.office_admin)
    v2 = submit_confirmed(w.campaign, w.office_admin)
    assert (v1.version, v2.version) == (1, 2)
    assert submission_verify(v1) == [] and submission_verify(v2) == []
    assert v1.snapshot["indicators"][i2.code]["result"] == "partial"
    assert v2.snapshot["indicators"][i2.code]["result"] == "met"
    # Live data changing later does not move what either version says.
    assessment_save(campaign=w.campaign, indicator=i1, by=w.office_admin, result="not_met")
    client.force_login(w.city_reviewer)
    response = client.get(reverse("review:versions", args=[w.campaign.pk]) + "?a=1&b=2")
    assert response.status_code == 200
    diff = response.context["diff"]
    assert [c.code for c in diff.changes] == [i2.code, w.indicators[2].code]
    assert (diff.assessments_changed, diff.evidence_changed, diff.evidence_added, diff.evidence_removed) == (1, 1, 1, 0)
    assert "1.1.1" not in [c.code for c in diff.changes]


def test_the_city_returns_with_comments_and_the_county_sees_them_on_its_pages(client, tree):
    w = tree
    s = submit_version(w.campaign)
    i1, i2, i3 = w.indicators
    client.force_login(w.city_reviewer)
    page = client.get(reverse("review:submission", args=[s.pk]))
    assert page.status_code == 200 and page.context["can_decide"]
    response = client.post(
        reverse("review:decide", args=[s.pk]),
        {
            "outcome": "returned",
            "reason": "两项佐证不足",
            "comment_indicator": [str(i1.pk), str(i3.pk), ""],
            "comment_text": ["补充会议纪要", "补充照片", ""],
        },
    )
    assert response.status_code == 302
    assert Decision.objects.get().outcome == "returned"
    client.force_login(w.office_admin)
    listing = client.get(reverse("review:comments"))
    assert [c.indicator.code for d in listing.context["decisions"] for c in d.comments.all()] == [i1.code, i3.code]
    edit = client.get(reverse("assessment:edit", args=[i1.pk])).content.decode()
    assert "补充会议纪要" in edit
    assert "补充会议纪要" not in client.get(reverse("assessment:edit", args=[i2.pk])).content.decode()
    rows = client.get(reverse("assessment:list")).context["rows"]
    assert [bool(r["notes"]) for r in rows] == [True, False, True]
    comment = ReturnComment.objects.get(indicator=i1)
    client.post(reverse("review:comment_done", args=[comment.pk]), {"done": "1"})
    comment.refresh_from_db()
    assert comment.done_by == w.office_admin
    assert "补充会议纪要" not in client.get(reverse("assessment:edit", args=[i1.pk])).content.decode()


def test_a_decision_posted_on_a_superseded_version_shows_the_message_and_changes_nothing(client, tree):
    w = tree
    v1 = submit_version(w.campaign)
    submit_version(w.campaign)
    client.force_login(w.city_reviewer)
    response = client.post(reverse("review:decide", args=[v1.pk]), {"outcome": "passed", "reason": "同意"}, follow=True)
    assert "version 2" in response.content.decode() or "版本" in response.content.decode()
    assert not Decision.objects.exists()


def test_the_recommendation_letter_is_a_pdf_and_a_docx_with_its_number_and_counties(client, tree, tmp_path):
    w = tree
    other = w.other_campaign(w.region.county_b)
    s = submit_version(other)
    decision_make(submission=s, outcome="passed", reason="材料齐全", by=w.city_reviewer)
    recommendation_make(submission=s, reason="达标率高、特色鲜明", by=w.city_reviewer)
    client.force_login(w.city_reviewer)
    page = client.get(reverse("review:recommendations"))
    assert page.status_code == 200 and len(page.context["batches"]) == 1
    response = client.post(
        reverse("review:letter_new"),
        {
            "region": str(w.region.city.pk),
            "batch": "第五批",
            "number": "某法治办〔2026〕12号",
            "issued_on": "2026-12-01",
        },
    )
    letter = RecommendationLetter.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("review:letter", args=[letter.pk])
    for job in ReportJob.objects.filter(subject_id=letter.pk):
        assert report_run(job.pk) == ReportJob.Status.DONE
    pdf = client.get(reverse("review:letter_pdf", args=[letter.pk]))
    path = tmp_path / "l.pdf"
    path.write_bytes(b"".join(pdf.streaming_content))
    text = "".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    assert "某法治办〔2026〕12号" in text and "乙县" in text and "达标率高" in text
    shots = Path(__file__).resolve().parents[2] / "var" / "screenshots"  # for people to look at
    shots.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(path), str(shots / "review-letter")], check=True)
    docx = client.get(reverse("review:letter_docx", args=[letter.pk]))
    with zipfile.ZipFile(io.BytesIO(b"".join(docx.streaming_content))) as zf:
        body = zf.read("word/document.xml").decode()
    assert "某法治办〔2026〕12号" in body and "乙县" in body
    client.force_login(w.office_admin)
    assert client.get(reverse("review:letter", args=[letter.pk])).status_code == 403


def test_a_letter_without_recommendations_or_a_number_is_refused(client, tree):
    w = tree
    client.force_login(w.city_reviewer)
    response = client.post(
        reverse("review:letter_new"),
        {"region": str(w.region.city.pk), "batch": "第五批", "number": "某号", "issued_on": "2026-12-01"},
        follow=True,
    )
    assert response.status_code == 200 and not RecommendationLetter.objects.exists()
    client.post(reverse("review:letter_new"), {"region": "nonsense", "number": "", "issued_on": "x"})
    assert not RecommendationLetter.objects.exists()


def test_the_province_downloads_the_packages_its_cities_recommended_and_nothing_else(client, tree):
    w = tree
    other = w.other_campaign(w.region.county_b)
    s = submit_version(other)
    decision_make(submission=s, outcome="passed", reason="材料齐全", by=w.city_reviewer)
    mine = submit_version(w.campaign)
    client.force_login(w.province_reviewer)
    assert client.get(reverse("review:package", args=[s.pk])).status_code == 404
    recommendation_make(submission=s, reason="好", by=w.city_reviewer)
    assert client.get(reverse("review:package", args=[s.pk])).status_code == 200
    assert client.get(reverse("review:package", args=[mine.pk])).status_code == 404
    page = client.get(reverse("review:submission", args=[s.pk]))
    assert page.context["level"] == "province" and page.context["can_decide"]
    inbox = client.get(reverse("review:recommendations"))
    assert [r.submission_id for r in inbox.context["incoming"]] == [s.pk]


def test_a_bad_decision_post_shows_a_message_and_writes_nothing(client, tree):
    w = tree
    s = submit_version(w.campaign)
    client.force_login(w.city_reviewer)
    for data in (
        {},
        {"outcome": "returned", "reason": "缺材料"},
        {"outcome": "returned", "reason": "缺材料", "comment_indicator": ["not-an-id"], "comment_text": ["x"]},
        {"outcome": "passed", "reason": "x" * 2001},
    ):
        response = client.post(reverse("review:decide", args=[s.pk]), data, follow=True)
        assert response.status_code == 200 and response.context["messages"]
        assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not Decision.objects.exists() and not ReturnComment.objects.exists()
    assert client.post(reverse("review:recommend", args=[s.pk]), {"reason": "好"}).status_code == 302
    assert not s.recommendations.exists()


def test_the_comments_page_reads_a_fixed_number_of_queries_whatever_the_comments(
    client, tree, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from indicators.models import Indicator

    w = tree
    client.force_login(w.office_admin)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("review:comments")).status_code == 200
        return len(ctx.captured_queries)

    v1 = submit_version(w.campaign)
    _return_on(w, v1, w.indicators[:1])
    one = count()
    parent = w.indicators[0].parent
    more = [
        Indicator.objects.create(
            framework=w.campaign.framework, parent=parent, level=3, code=f"1.1.{n}", position=n, title=f"指标{n}"
        )
        for n in range(4, 9)
    ]
    v2 = submit_version(w.campaign)
    _return_on(w, v2, [*w.indicators, *more])
    assert count() == one


def _return_on(w, s, indicators):
    decision_make(
        submission=s,
        outcome="returned",
        reason="补充",
        comments=[(str(i.pk), f"补充{i.code}") for i in indicators],
        by=w.city_reviewer,
    )
