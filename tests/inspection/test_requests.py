"""The assessors' requests (第三方评估补充材料): the office records a request and splits it among
units with deadlines; units answer with evidence through the evidence app's checks (reviewed as
any other); a late answer is taken and shown late; the package holds just those answers."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from evidence.models import Evidence
from evidence.services import evidence_review
from inspection.models import RequestPart
from inspection.selectors import request_answer_counts, request_list, request_parts
from inspection.services import request_add, request_answer, request_split
from reports.builders import build_answers
from reports.models import ReportJob
from reports.services import report_request
from tests.evidence import samples

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _request(world, due=10):
    return request_add(
        campaign=world.campaign,
        title="提供2025年行政复议决定书",
        detail="每个单位抽取 5 份",
        due_on=TODAY + datetime.timedelta(days=due),
        indicators=[world.indicators[1]],
        by=world.office_staff,
    )


def _pdf(name="复议决定书.pdf", text="a"):
    return SimpleUploadedFile(name, samples.pdf(text), content_type="application/pdf")


def test_the_office_splits_a_request_and_the_units_are_told(world):
    from core.models import Notification

    item = _request(world)
    request_split(request=item, unit=world.unit_a, deadline=TODAY + datetime.timedelta(days=5), by=world.office_staff)
    assert Notification.objects.filter(recipient=world.liaison_a, title__contains="提供2025年").exists()
    with pytest.raises(ValidationError, match="已有"):
        request_split(request=item, unit=world.unit_a, deadline=TODAY, by=world.office_staff)
    with pytest.raises(ValidationError, match="晚于"):
        request_split(
            request=item, unit=world.unit_b, deadline=TODAY + datetime.timedelta(days=30), by=world.office_staff
        )
    with pytest.raises(ValidationError):
        request_split(request=item, unit=world.office, deadline=TODAY, by=world.office_staff)
    with pytest.raises(PermissionDenied):
        request_split(request=item, unit=world.unit_b, deadline=TODAY, by=world.liaison_b)
    assert RequestPart.objects.count() == 1


def test_a_unit_answers_with_a_file_through_the_evidence_checks_and_it_waits_for_review(world):
    item = _request(world)
    part = request_split(request=item, unit=world.unit_a, deadline=TODAY, by=world.office_staff)
    request_answer(part=part, by=world.liaison_a, note="已提供", assignment=world.shares.a_soon, upload=_pdf())
    part.refresh_from_db()
    piece = part.evidence.get()
    assert piece.review_status == "pending" and piece.assignment == world.shares.a_soon
    assert part.answered_by == world.liaison_a and not part.is_late
    with pytest.raises(ValidationError, match="上传过"):  # the same bytes twice: the evidence app refuses
        request_answer(part=part, by=world.liaison_a, note="", assignment=world.shares.a_soon, upload=_pdf())
    with pytest.raises(PermissionDenied):
        request_answer(part=part, by=world.liaison_b, note="", evidence=piece)
    with pytest.raises(PermissionDenied):
        request_answer(part=part, by=world.office_staff, note="", evidence=piece)


def test_a_late_answer_is_taken_and_shown_late(world):
    item = _request(world)
    part = request_split(
        request=item, unit=world.unit_a, deadline=TODAY - datetime.timedelta(days=2), by=world.office_staff
    )
    assert part.is_late  # past its deadline without an answer
    mine = Evidence.objects.create(
        assignment=world.shares.a_soon, campaign=world.campaign, kind="summary", title="说明"
    )
    request_answer(part=part, by=world.liaison_a, note="迟交", evidence=mine)
    part.refresh_from_db()
    assert part.answered_at is not None and part.is_late and part.evidence.get() == mine
    row = request_list(world.campaign, TODAY).get()
    assert (row.part_count, row.answered, row.late) == (1, 1, 1)


def test_units_see_their_own_shares_only(client, world):
    item = _request(world)
    a = request_split(request=item, unit=world.unit_a, deadline=TODAY, by=world.office_staff)
    b = request_split(request=item, unit=world.unit_b, deadline=TODAY, by=world.office_staff)
    assert list(request_parts(world.liaison_a, world.campaign)) == [a]
    client.force_login(world.liaison_a)
    assert client.get(b.get_absolute_url()).status_code == 404
    page = client.get(reverse("inspection:requests"))
    assert [p.pk for p in page.context["parts"]] == [a.pk]
    assert client.get(item.get_absolute_url()).status_code == 404


def test_answer_counts_agree_with_the_list(world):
    item = _request(world)
    request_split(request=item, unit=world.unit_a, deadline=TODAY - datetime.timedelta(days=1), by=world.office_staff)
    b = request_split(request=item, unit=world.unit_b, deadline=TODAY, by=world.office_staff)
    mine = Evidence.objects.create(assignment=world.shares.b_lead, campaign=world.campaign, kind="summary", title="x")
    request_answer(part=b, by=world.liaison_b, note="", evidence=mine)
    counts = request_answer_counts(world.campaign, TODAY)
    assert counts == {"total": 2, "answered": 1, "missing": 1}


def test_the_package_holds_just_the_accepted_answers_and_lists_every_share(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    item = _request(world)
    other = _request(world)
    a = request_split(request=item, unit=world.unit_a, deadline=TODAY, by=world.office_staff)
    b = request_split(request=item, unit=world.unit_b, deadline=TODAY, by=world.office_staff)
    request_split(request=other, unit=world.unit_a, deadline=TODAY, by=world.office_staff)
    request_answer(
        part=a, by=world.liaison_a, note="", assignment=world.shares.a_soon, upload=_pdf("决定书一.pdf", "1")
    )
    request_answer(
        part=b, by=world.liaison_b, note="", assignment=world.shares.b_lead, upload=_pdf("决定书二.pdf", "2")
    )
    evidence_review(evidence=a.evidence.get(), decision="accepted", by=world.office_staff)
    Evidence.objects.create(assignment=world.shares.a_overdue, campaign=world.campaign, kind="summary", title="无关")
    out = io.BytesIO()
    rows = build_answers(world.campaign, out, subject=str(item.pk))
    names = zipfile.ZipFile(out).namelist()
    assert names == ["提供2025年行政复议决定书.csv", "县司法局/决定书一.pdf"]
    assert [(r[0], r[4], r[6]) for r in rows] == [
        ("县司法局", "决定书一.pdf", "县司法局/决定书一.pdf"),
        ("城关镇", "决定书二.pdf", ""),  # waiting for review: listed, not packed
    ]


def test_the_package_is_a_report_job_about_its_request(world):
    item = _request(world)
    job = report_request(
        campaign=world.campaign, kind=ReportJob.Kind.ANSWERS, subject=str(item.pk), by=world.office_staff, enqueue=False
    )
    again = report_request(
        campaign=world.campaign, kind=ReportJob.Kind.ANSWERS, subject=str(item.pk), by=world.office_staff, enqueue=False
    )
    other = report_request(
        campaign=world.campaign,
        kind=ReportJob.Kind.ANSWERS,
        subject=str(_request(world).pk),
        by=world.office_staff,
        enqueue=False,
    )
    assert job.pk == again.pk and other.pk != job.pk
    with pytest.raises(ValidationError):  # not from the reports page: it needs its request
        report_request(campaign=world.campaign, kind=ReportJob.Kind.ANSWERS, by=world.office_staff, enqueue=False)
    with pytest.raises(ValidationError):
        report_request(campaign=world.campaign, kind="pdf", subject=str(item.pk), by=world.office_staff, enqueue=False)
    with pytest.raises(ValidationError):
        report_request(
            campaign=world.campaign,
            kind=ReportJob.Kind.ANSWERS,
            subject="nonsense",
            by=world.office_staff,
            enqueue=False,
        )


def test_an_answer_without_evidence_from_the_page_is_a_clear_message(client, world):
    part = request_split(request=_request(world), unit=world.unit_a, deadline=TODAY, by=world.office_staff)
    client.force_login(world.liaison_a)
    page = client.post(reverse("inspection:request_answer", args=[part.pk]), {"note": "见附件"}, follow=True)
    assert "佐证材料" in page.content.decode()
    part.refresh_from_db()
    assert part.answered_at is None
