"""Field-check readiness (实地核查): the checklist, readiness per indicator and unit, the
迎检 handbook per site in HTML and PDF."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from inspection.models import FieldCheckItem
from inspection.selectors import fieldcheck_items, fieldcheck_readiness
from inspection.services import fieldcheck_add, fieldcheck_update
from tests.evidence.samples import pdf, png

pytestmark = pytest.mark.django_db


def _add(w, unit=None, title="行政处罚案卷", place="县司法局档案室", indicator=None):
    return fieldcheck_add(
        campaign=w.campaign,
        indicator=indicator or w.indicators[0],
        unit=unit or w.unit_a,
        kind="case_files",
        title=title,
        place=place,
        by=w.office_staff,
    )


def test_the_office_adds_items_and_a_unit_may_not(world):
    _add(world)
    with pytest.raises(ValidationError):
        _add(world)
    with pytest.raises(PermissionDenied):
        fieldcheck_add(
            campaign=world.campaign,
            indicator=world.indicators[0],
            unit=world.unit_a,
            kind="ledger",
            title="台账",
            place="x",
            by=world.liaison_a,
        )


def test_the_database_holds_one_item_per_place_and_title(world):
    item = _add(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        FieldCheckItem.objects.create(
            campaign=world.campaign,
            indicator=item.indicator,
            unit=item.unit,
            kind="ledger",
            title=item.title,
            place=item.place,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        FieldCheckItem.objects.create(
            campaign=world.campaign, indicator=item.indicator, unit=item.unit, kind="ledger", title="t", place=""
        )


def test_the_unit_marks_its_item_ready_with_a_photo_and_another_unit_cannot(world):
    item = _add(world)
    fieldcheck_update(
        item=item, status="ready", note="已装订", by=world.liaison_a, photo=SimpleUploadedFile("a.png", png())
    )
    item.refresh_from_db()
    assert item.status == "ready" and item.photos.count() == 1
    with pytest.raises(PermissionDenied):
        fieldcheck_update(item=item, status="not_ready", note="", by=world.liaison_b)
    with pytest.raises(PermissionDenied):
        fieldcheck_update(item=item, status="not_ready", note="", by=world.leader_a)


def test_readiness_per_indicator_and_unit(world, django_assert_max_num_queries):
    a = _add(world)
    _add(world, title="执法台账")
    _add(world, unit=world.unit_b, title="便民服务窗口", place="城关镇便民服务中心", indicator=world.indicators[1])
    fieldcheck_update(item=a, status="ready", note="", by=world.liaison_a)
    items = fieldcheck_items(world.office_admin, world.campaign)
    with django_assert_max_num_queries(2):
        readiness = fieldcheck_readiness(items)
    assert [(r.done, r.total) for r in readiness["by_indicator"]] == [(1, 2), (0, 1)]
    assert {r.label: r.pct for r in readiness["by_unit"]} == {"县司法局": 50, "城关镇": 0}
    assert list(fieldcheck_items(world.liaison_b, world.campaign).values_list("title", flat=True)) == ["便民服务窗口"]


def test_units_see_only_their_own_items(client, world):
    mine = _add(world, title="司法局的案卷")
    theirs = _add(world, unit=world.unit_b, title="城关镇的窗口", place="城关镇")
    client.force_login(world.liaison_a)
    page = client.get("/inspection/fieldcheck/").content.decode()
    assert mine.title in page and theirs.title not in page
    assert client.get(theirs.get_absolute_url()).status_code == 404


def test_a_photo_that_is_not_a_picture_is_refused(client, world):
    item = _add(world)
    client.force_login(world.liaison_a)
    response = client.post(
        item.get_absolute_url(), {"status": "ready", "photo": SimpleUploadedFile("x.jpg", pdf(), "image/jpeg")}
    )
    assert response.status_code == 200 and "JPG" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "not_ready" and not item.photos.exists()


def test_the_handbook_of_a_site_prints_as_html_and_pdf(client, world):
    _add(world)
    _add(world, title="执法台账")
    _add(world, unit=world.unit_b, title="便民服务窗口", place="城关镇便民服务中心")
    client.force_login(world.office_staff)
    page = client.get("/inspection/fieldcheck/handbook/", {"place": "县司法局档案室"}).content.decode()
    assert "@page" in page and "执法台账" in page and "便民服务窗口" not in page
    response = client.get("/inspection/fieldcheck/handbook/", {"place": "县司法局档案室", "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client.get("/inspection/fieldcheck/handbook/", {"place": "没有这个地方"}).status_code == 404


def test_the_handbook_pdf_shows_the_photos_of_the_site(client, world):
    from tests.evidence.samples import jpeg

    item = _add(world)
    photo = SimpleUploadedFile("窗口.jpg", jpeg(size=(2400, 1800), orientation=6), "image/jpeg")
    fieldcheck_update(item=item, status="ready", note="", by=world.liaison_a, photo=photo)
    _add(world, title="执法台账")  # no photo: no row in the photo section
    client.force_login(world.office_staff)
    page = client.get("/inspection/fieldcheck/handbook/", {"place": "县司法局档案室"}).content.decode()
    assert page.count('src="data:image/jpeg;base64,') == 1 and "现场照片" in page
    response = client.get("/inspection/fieldcheck/handbook/", {"place": "县司法局档案室", "format": "pdf"})
    assert response.status_code == 200 and response.content.count(b"/Subtype /Image") == 1
    assert len(response.content) < 400_000  # the photo was scaled down, not embedded at 2400 px
