"""Evidence: upload from desk or phone, revisions, hiding, review, downloads and their scope."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from assignments.models import Assignment
from core.models import AuditEvent, Notification
from evidence.models import Evidence, EvidenceRevision
from evidence.thumbnails import thumbnail_make

from . import samples

pytestmark = pytest.mark.django_db


def up(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _upload(client, share, *files, kind="document", follow=False):
    return client.post(
        reverse("evidence:add_files", args=[share.pk]), {"kind": kind, "files": list(files)}, follow=follow
    )


@pytest.fixture
def share(world):
    return world.shares.a_soon


@pytest.fixture
def liaison(client, world):
    client.force_login(world.liaison_a)
    return client


def test_liaison_uploads_several_files_at_once_and_the_share_starts(liaison, share, media_root):
    response = _upload(
        liaison, share, up("通知.pdf", samples.pdf()), up("现场照片.jpg", samples.jpeg()), kind="document"
    )
    assert response.status_code == 302
    pdf_ev, photo_ev = Evidence.objects.order_by("created_at")
    assert (pdf_ev.title, photo_ev.title) == ("通知.pdf", "现场照片.jpg")
    revision = pdf_ev.current_revision
    assert revision.original_name == "通知.pdf" and revision.content_type == "application/pdf"
    assert revision.file.name.startswith("evidence/") and "通知" not in revision.file.name
    assert Path(media_root / revision.file.name).read_bytes() == samples.pdf()
    assert len(revision.sha256) == 64 and revision.size == len(samples.pdf())
    share.refresh_from_db()
    assert share.status == Assignment.Status.IN_PROGRESS
    assert AuditEvent.objects.filter(verb="evidence_added", object_id=str(pdf_ev.pk)).exists()


def test_a_camera_named_photo_is_titled_by_indicator_and_date_and_the_form_says_so(liaison, share):
    import datetime

    page = liaison.get(share.get_absolute_url()).content.decode()
    today = datetime.date.today().isoformat()
    assert f'placeholder="{share.indicator.code} 照片 {today}"' in page
    _upload(liaison, share, up("photo1.jpg", samples.jpeg()), kind="image")
    _upload(liaison, share, up("IMG_2041.jpg", samples.jpeg(color=(1, 2, 3))), kind="image")
    _upload(liaison, share, up("普法宣传现场.jpg", samples.jpeg(color=(9, 9, 9))), kind="image")
    liaison.post(
        reverse("evidence:add_files", args=[share.pk]),
        {"kind": "image", "files": [up("photo2.jpg", samples.jpeg(color=(5, 5, 5)))], "title": "法治讲座"},
    )
    titles = list(Evidence.objects.order_by("created_at").values_list("title", flat=True))
    code = share.indicator.code
    assert titles == [f"{code} 照片 {today}", f"{code} 照片 {today}（2）", "普法宣传现场.jpg", "法治讲座"]


def test_xhr_upload_answers_json(liaison, share):
    response = liaison.post(
        reverse("evidence:add_files", args=[share.pk]),
        {"kind": "image", "files": up("a.png", samples.png())},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 200 and response.json()["ok"]
    response = liaison.post(
        reverse("evidence:add_files", args=[share.pk]),
        {"kind": "image", "files": up("a.pdf", samples.pdf())},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 400 and "图片须为 JPG 或 PNG" in response.json()["message"]


@pytest.mark.parametrize(
    "name, data, words",
    [
        ("通知.pdf", samples.EXE, "可执行程序"),
        ("页面.pdf", samples.HTML, "网页"),
        ("图标.png", samples.SVG, "网页"),
        ("伪装.pdf", samples.png(), "不一致"),
        ("空文件.pdf", b"", "空"),
        ("IMG_0001.heic", samples.HEIC, "HEIC"),
        ("材料.zip", samples.plain_zip(), "压缩"),
        ("长" * 201 + ".pdf", samples.pdf(), "过长"),
    ],
)
def test_hostile_uploads_get_a_clear_message_and_store_nothing(liaison, share, media_root, name, data, words):
    response = _upload(liaison, share, up(name, data), follow=True)
    assert words in response.content.decode()
    assert not Evidence.objects.exists() and not EvidenceRevision.objects.exists()
    assert not (media_root / "evidence").exists() or not any((media_root / "evidence").rglob("*.*"))


def test_path_traversal_and_nul_in_names_never_reach_the_disk(liaison, share, media_root):
    _upload(liaison, share, up("../../etc/pass\x00wd.pdf", samples.pdf()))
    revision = EvidenceRevision.objects.get()
    assert "/" not in revision.original_name and "\x00" not in revision.original_name
    assert Path(revision.file.path).resolve().is_relative_to(Path(media_root).resolve())


def test_file_over_the_limit_is_refused_while_streaming(liaison, share, settings, media_root):
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    big = samples.pdf() + b"0" * (1024 * 1024 + 10)
    response = _upload(liaison, share, up("大文件.pdf", big), follow=True)
    assert "文件超过 1 MB" in response.content.decode()
    assert not EvidenceRevision.objects.exists()


def test_duplicate_upload_is_flagged_not_stored_twice(liaison, share, world):
    _upload(liaison, share, up("通知.pdf", samples.pdf("same")))
    response = _upload(liaison, world.shares.a_overdue, up("通知-副本.pdf", samples.pdf("same")), follow=True)
    assert "已作为“通知.pdf”上传过" in response.content.decode()
    assert EvidenceRevision.objects.count() == 1


def test_news_link_needs_http_url_title_and_date(liaison, share):
    url = reverse("evidence:add_link", args=[share.pk])
    response = liaison.post(
        url, {"url": "javascript:alert(1)", "title": "报道", "issued_on": "2026-05-01"}, follow=True
    )
    assert "网址" in response.content.decode() or "URL" in response.content.decode()
    response = liaison.post(
        url, {"url": "ftp://example.gov.cn/x", "title": "报道", "issued_on": "2026-05-01"}, follow=True
    )
    assert not Evidence.objects.exists()
    liaison.post(
        url,
        {
            "url": "https://www.example.gov.cn/news/1.html",
            "title": "我县召开法治政府建设推进会",
            "issued_on": "2026-05-01",
        },
    )
    e = Evidence.objects.get()
    assert e.kind == "news_link" and e.current_revision.url == "https://www.example.gov.cn/news/1.html"


def test_summary_keeps_paragraphs_and_is_length_limited(liaison, share):
    url = reverse("evidence:add_summary", args=[share.pk])
    liaison.post(url, {"title": "情况简介", "text": "第一段。\n\n第二段。"})
    assert Evidence.objects.get().current_revision.text == "第一段。\n\n第二段。"
    response = liaison.post(url, {"title": "太长", "text": "字" * 5001}, follow=True)
    assert Evidence.objects.count() == 1 and "5000" in response.content.decode()


def test_replacing_keeps_every_old_file(liaison, share, media_root):
    _upload(liaison, share, up("方案.pdf", samples.pdf("v1")))
    e = Evidence.objects.get()
    first = e.current_revision
    liaison.post(reverse("evidence:replace", args=[e.pk]), {"file": up("方案（修改稿）.pdf", samples.pdf("v2"))})
    e.refresh_from_db()
    assert e.current_revision.number == 2 and e.revisions.count() == 2
    assert Path(first.file.path).exists() and Path(e.current_revision.file.path).exists()
    assert Path(first.file.path).read_bytes() == samples.pdf("v1")


def test_hiding_keeps_files_office_sees_and_restores(client, world, share):
    client.force_login(world.liaison_a)
    _upload(client, share, up("通知.pdf", samples.pdf()))
    e = Evidence.objects.get()
    path = e.current_revision.file.path
    client.post(reverse("evidence:hide", args=[e.pk]))
    assert client.get(e.get_absolute_url()).status_code == 404
    assert e.pk not in [x.pk for x in client.get(share.get_absolute_url()).context["evidence_items"]]
    assert Path(path).exists()
    client.force_login(world.office_staff)
    assert client.get(e.get_absolute_url()).status_code == 200
    client.post(reverse("evidence:restore", args=[e.pk]))
    client.force_login(world.liaison_a)
    assert client.get(e.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "persona, status",
    [
        ("liaison_a", 200),
        ("leader_a", 200),
        ("office_staff", 200),
        ("superuser", 200),
        ("liaison_b", 404),
        ("leader_b", 404),
        ("city_reviewer", 404),
        ("nobody", 404),
    ],
)
def test_evidence_page_download_and_preview_are_scoped(client, world, share, persona, status):
    client.force_login(world.liaison_a)
    _upload(client, share, up("照片.jpg", samples.jpeg()), kind="image")
    e = Evidence.objects.get()
    client.force_login(getattr(world, persona))
    for url in (
        e.get_absolute_url(),
        reverse("evidence:download", args=[e.current_revision.pk]),
        reverse("evidence:preview", args=[e.current_revision.pk]),
    ):
        assert client.get(url).status_code == status


def test_download_restores_the_chinese_name_and_is_never_sniffed(liaison, share):
    _upload(liaison, share, up("2025年法治政府建设报告.pdf", samples.pdf()))
    revision = EvidenceRevision.objects.get()
    response = liaison.get(reverse("evidence:download", args=[revision.pk]))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment") and "filename*=utf-8''2025%E5%B9%B4" in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == samples.pdf()
    assert AuditEvent.objects.filter(verb="downloaded").exists()
    preview = liaison.get(reverse("evidence:preview", args=[revision.pk]))
    assert preview["Content-Disposition"].startswith("inline") and preview["Content-Type"] == "application/pdf"
    assert preview["X-Content-Type-Options"] == "nosniff" and "Content-Security-Policy" not in preview


def test_office_documents_download_rather_than_preview(liaison, share):
    _upload(liaison, share, up("台账.xlsx", samples.xlsx()), kind="data")
    revision = EvidenceRevision.objects.get()
    assert liaison.get(reverse("evidence:preview", args=[revision.pk]))["Content-Disposition"].startswith("attachment")


def test_review_accept_and_return_drive_the_share_and_notify(client, world, share):
    client.force_login(world.liaison_a)
    _upload(client, share, up("一.pdf", samples.pdf("1")), up("二.pdf", samples.pdf("2")))
    client.post(reverse("assignments:move", args=[share.pk]), {"to_status": "submitted"})
    first, second = Evidence.objects.order_by("created_at")
    client.force_login(world.office_staff)
    client.post(reverse("evidence:review", args=[first.pk]), {"decision": "accepted"})
    response = client.post(
        reverse("evidence:review", args=[second.pk]), {"decision": "returned", "comment": ""}, follow=True
    )
    assert "请写明退回原因" in response.content.decode()
    client.post(reverse("evidence:review", args=[second.pk]), {"decision": "returned", "comment": "缺少盖章页"})
    share.refresh_from_db()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.review_status, second.review_status, share.status) == ("accepted", "returned", "returned")
    assert Notification.objects.filter(recipient=world.liaison_a, body__contains="缺少盖章页").exists()
    client.force_login(world.liaison_a)
    assert "缺少盖章页" in client.get("/").content.decode()
    client.post(reverse("evidence:replace", args=[second.pk]), {"file": up("二（补盖章）.pdf", samples.pdf("2b"))})
    second.refresh_from_db()
    assert second.review_status == "pending" and second.revisions.count() == 2


def test_liaison_cannot_review_and_office_cannot_upload(client, world, share):
    client.force_login(world.liaison_a)
    _upload(client, share, up("一.pdf", samples.pdf()))
    e = Evidence.objects.get()
    assert client.post(reverse("evidence:review", args=[e.pk]), {"decision": "accepted"}).status_code == 403
    client.force_login(world.office_staff)
    assert _upload(client, share, up("二.pdf", samples.pdf("x"))).status_code == 403
    client.force_login(world.liaison_b)
    assert _upload(client, share, up("三.pdf", samples.pdf("y"))).status_code == 404


def test_submitted_share_is_frozen_for_the_unit(liaison, share):
    _upload(liaison, share, up("一.pdf", samples.pdf()))
    liaison.post(reverse("assignments:move", args=[share.pk]), {"to_status": "submitted"})
    response = _upload(liaison, share, up("二.pdf", samples.pdf("2")), follow=True)
    assert "请先撤回" in response.content.decode()


def test_one_document_proves_several_indicators(liaison, share, world):
    _upload(liaison, share, up("文件.pdf", samples.pdf()))
    e = Evidence.objects.get()
    liaison.post(reverse("evidence:link", args=[e.pk]), {"codes": "1.1.1，1.1.3"})
    assert sorted(e.also_proves.values_list("code", flat=True)) == ["1.1.1", "1.1.3"]
    response = liaison.post(reverse("evidence:link", args=[e.pk]), {"codes": "9.9.9"}, follow=True)
    assert "9.9.9" in response.content.decode()


def test_thumbnail_respects_exif_orientation(liaison, share):
    # A 64x48 landscape photo that the camera marked "rotate 90°" is portrait when shown.
    _upload(liaison, share, up("竖拍.jpg", samples.jpeg(size=(64, 48), orientation=6)), kind="image")
    revision = EvidenceRevision.objects.get()
    assert thumbnail_make(revision.pk)
    revision.refresh_from_db()
    with revision.thumbnail.open("rb") as fh, Image.open(fh) as thumb:
        assert thumb.size[0] < thumb.size[1]
    assert not thumbnail_make(revision.pk)  # idempotent
    assert liaison.get(reverse("evidence:thumbnail", args=[revision.pk]))["Content-Type"] == "image/jpeg"


def test_thumbnail_is_queued_after_commit(liaison, share, django_capture_on_commit_callbacks):
    from config.celery_app import app

    app.conf.task_always_eager = True  # the task runs here instead of in a worker
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            _upload(liaison, share, up("照片.png", samples.png()), kind="image")
    finally:
        app.conf.task_always_eager = False
    from core.models import OutboxMessage

    message = OutboxMessage.objects.get()  # written with the revision, sent after the commit
    assert message.task == "evidence.make_thumbnail" and message.sent_at and len(callbacks) >= 1
    assert EvidenceRevision.objects.get().thumbnail


def test_review_queue_filters_and_query_count(client, world, share, django_assert_max_num_queries):
    client.force_login(world.liaison_a)
    for n in range(5):
        _upload(client, share, up(f"材料{n}.pdf", samples.pdf(str(n))))
    client.force_login(world.office_staff)
    url = reverse("evidence:queue")
    assert client.get(url).context["page"].paginator.count == 5
    assert client.get(url, {"unit": world.unit_b.pk}).context["page"].paginator.count == 0
    assert client.get(url, {"waiting": "7"}).context["page"].paginator.count == 0
    assert client.get(url, {"code": "1.1.2"}).context["page"].paginator.count == 5
    with django_assert_max_num_queries(16):
        client.get(url)
    client.force_login(world.liaison_a)
    assert client.get(url).status_code == 403


def test_pages_carry_a_content_security_policy_without_inline_script(client, world):
    client.force_login(world.liaison_a)
    csp = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp


def test_inline_images_are_sandboxed(liaison, share):
    _upload(liaison, share, up("照片.png", samples.png()), kind="image")
    revision = EvidenceRevision.objects.get()
    response = liaison.get(reverse("evidence:preview", args=[revision.pk]))
    assert response["Content-Disposition"].startswith("inline") and "sandbox" in response["Content-Security-Policy"]


def test_evidence_links_only_to_indicators_the_unit_has_a_task_in(client, world):
    share = world.shares.b_lead  # the township has a task in the second indicator only
    client.force_login(world.liaison_b)
    _upload(client, share, up("文件.pdf", samples.pdf("b")))
    e = Evidence.objects.get()
    other = world.indicators[0].code
    response = client.post(reverse("evidence:link", args=[e.pk]), {"codes": other}, follow=True)
    assert "没有任务" in response.content.decode() and other in response.content.decode()
    assert not e.also_proves.exists()


def _png_of(width, height):
    """A valid PNG header announcing width × height pixels, with almost nothing after it: what a
    decompression bomb looks like to a reader that only reads the header."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def test_a_picture_of_too_many_pixels_is_refused_at_upload_with_the_reason(liaison, share, settings):
    settings.EVIDENCE_MAX_IMAGE_MEGAPIXELS = 50
    response = _upload(liaison, share, up("巨图.png", _png_of(12_600, 12_600)), kind="image", follow=True)
    body = response.content.decode()
    assert "12600 × 12600 像素" in body and "上限 50 百万像素" in body
    assert not Evidence.objects.exists()


def test_a_thumbnail_is_not_made_of_a_picture_over_the_limit(liaison, share, settings):
    _upload(liaison, share, up("照片.png", samples.png()), kind="image")
    revision = EvidenceRevision.objects.get()
    settings.EVIDENCE_MAX_IMAGE_MEGAPIXELS = 0  # the limit lowered after the upload
    assert thumbnail_make(revision.pk) is False
    revision.refresh_from_db()
    assert not revision.thumbnail


def _three_pending(client, world):
    """Two items of the first indicator (unit A), one of the second (unit B), oldest first."""
    client.force_login(world.liaison_a)
    _upload(client, world.shares.a_overdue, up("甲一.pdf", samples.pdf("a1")))
    _upload(client, world.shares.a_overdue, up("甲二.pdf", samples.pdf("a2")))
    client.force_login(world.liaison_b)
    _upload(client, world.shares.b_lead, up("乙一.pdf", samples.pdf("b1")))
    return list(Evidence.objects.order_by("created_at", "pk"))


def test_accepting_in_a_filtered_queue_keeps_the_filter_and_the_page(client, world):
    first, _second, _other = _three_pending(client, world)
    client.force_login(world.office_staff)
    code = world.indicators[0].code
    queue = reverse("evidence:queue")
    page = client.get(f"{queue}?code={code}")
    assert page.context["page"].paginator.count == 2
    response = client.post(
        reverse("evidence:review", args=[first.pk]),
        {"decision": "accepted", "from": "queue", "queue": f"code={code}&page=1"},
    )
    assert response["Location"] == f"{queue}?code={code}&page=1"
    assert client.get(response["Location"]).context["page"].paginator.count == 1  # still only that indicator's items
    hostile = client.post(
        reverse("evidence:review", args=[first.pk]),
        {"decision": "accepted", "from": "queue", "queue": "next=https://evil.example/&code=//evil"},
    )
    assert hostile["Location"].startswith(queue + "?") and "evil.example" not in hostile["Location"]


def test_next_item_walks_the_filter_and_a_decision_moves_on_to_it(client, world):
    first, second, other = _three_pending(client, world)
    client.force_login(world.office_staff)
    query = f"code={world.indicators[0].code}"
    body = client.get(first.get_absolute_url(), {"queue": query}).content.decode()
    assert "下一条" in body and f"{second.get_absolute_url()}?queue=" in body and str(other.pk) not in body
    response = client.post(reverse("evidence:review", args=[first.pk]), {"decision": "accepted", "queue": query})
    assert response["Location"].startswith(second.get_absolute_url() + "?queue=")
    response = client.post(reverse("evidence:review", args=[second.pk]), {"decision": "accepted", "queue": query})
    assert response["Location"] == f"{reverse('evidence:queue')}?{query}"  # the filter is done: back to it
    first.refresh_from_db()
    other.refresh_from_db()
    assert first.review_status == "accepted" and other.review_status == "pending"  # the other unit's untouched


def test_bulk_accept_lists_the_ticked_items_to_confirm_then_accepts_them_in_the_filter(client, world):
    first, second, other = _three_pending(client, world)
    client.force_login(world.office_staff)
    query = f"code={world.indicators[0].code}"
    url = reverse("evidence:bulk_accept")
    page = client.post(url, {"ids": [first.pk, second.pk], "queue": query})
    body = page.content.decode()
    assert page.status_code == 200 and "通过这 2 项材料" in body and first.get_absolute_url() in body
    assert other.get_absolute_url() not in body
    assert Evidence.objects.filter(review_status="accepted").count() == 0  # nothing yet: only the list
    response = client.post(url, {"ids": [first.pk, second.pk], "queue": query, "confirm": "1"}, follow=True)
    assert (
        response.redirect_chain[-1][0] == f"{reverse('evidence:queue')}?{query}"
        and "已通过 2 项" in response.content.decode()
    )
    assert set(Evidence.objects.filter(review_status="accepted")) == {first, second}
    other.refresh_from_db()
    assert other.review_status == "pending"
    nothing = client.post(url, {"ids": ["not-a-uuid"], "queue": query}, follow=True)
    assert "请先勾选" in nothing.content.decode()


def test_bulk_accept_is_for_the_office_only(client, world):
    first, _second, _other = _three_pending(client, world)
    client.force_login(world.liaison_a)
    assert client.post(reverse("evidence:bulk_accept"), {"ids": [first.pk], "confirm": "1"}).status_code == 403
    first.refresh_from_db()
    assert first.review_status == "pending"
