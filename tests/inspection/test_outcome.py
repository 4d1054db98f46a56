"""After 迎检 (issue 18, item 6): 公示 and the result (命名 / 未命名) are recorded as the campaign's
stage moves together with their documents — both or neither."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaign.models import Campaign, CampaignStageEvent
from core.models import AuditEvent
from inspection.models import OutcomeDocument
from inspection.services import outcome_record
from tests.evidence.samples import docx, jpeg, pdf

pytestmark = pytest.mark.django_db


def _at(world, stage):
    Campaign.objects.filter(pk=world.campaign.pk).update(stage=stage)
    world.campaign.refresh_from_db()
    return world.campaign


def _file(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_publication_then_naming_each_with_its_document(world):
    campaign = _at(world, Campaign.Stage.INSPECTION)
    notice = pdf("公示")
    document = outcome_record(
        campaign=campaign,
        to_stage="publicised",
        by=world.office_admin,
        title="关于拟命名示范县的公示",
        upload=_file("公示.pdf", notice, "application/pdf"),
        note="公示期7天",
    )
    campaign.refresh_from_db()
    assert campaign.stage == Campaign.Stage.PUBLICISED
    assert document.event.to_stage == "publicised" and document.event.note == "公示期7天"
    assert document.sha256 == hashlib.sha256(notice).hexdigest() and document.size == len(notice)
    assert document.file.read() == notice
    decision = outcome_record(
        campaign=campaign, to_stage="named", by=world.office_admin, title="命名决定", upload=_file("命名.docx", docx())
    )
    campaign.refresh_from_db()
    assert campaign.stage == Campaign.Stage.NAMED and decision.content_type.endswith("wordprocessingml.document")
    assert AuditEvent.objects.filter(verb="created", object_type="inspection.outcomedocument").count() == 2


def test_not_named_with_a_scan(world):
    campaign = _at(world, Campaign.Stage.INSPECTION)
    outcome_record(
        campaign=campaign, to_stage="not_named", by=world.office_admin, title="通知", upload=_file("通知.jpg", jpeg())
    )
    campaign.refresh_from_db()
    assert campaign.stage == Campaign.Stage.NOT_NAMED


@pytest.mark.parametrize(
    ("to_stage", "upload", "stage"),
    [
        ("publicised", None, Campaign.Stage.INSPECTION),  # no document
        ("publicised", ("公示.pdf", b"<html><script>alert(1)</script></html>"), Campaign.Stage.INSPECTION),
        ("publicised", ("公示.pdf", b"MZ\x90\x00program"), Campaign.Stage.INSPECTION),
        ("publicised", ("公示.pdf", b""), Campaign.Stage.INSPECTION),
        ("publicised", ("公\x01示.pdf", pdf()), Campaign.Stage.INSPECTION),  # a control character
        ("declared", ("公示.pdf", pdf()), Campaign.Stage.INSPECTION),  # not an outcome
        ("named", ("命名.pdf", pdf()), Campaign.Stage.PREPARATION),  # the stage table refuses
    ],
)
def test_a_bad_document_or_move_is_refused_and_nothing_is_written(world, to_stage, upload, stage):
    campaign = _at(world, stage)
    events = CampaignStageEvent.objects.count()
    with pytest.raises(ValidationError):
        outcome_record(
            campaign=campaign,
            to_stage=to_stage,
            by=world.office_admin,
            title="x",
            upload=_file(*upload) if upload else None,
        )
    campaign.refresh_from_db()
    assert campaign.stage == stage
    assert CampaignStageEvent.objects.count() == events and not OutcomeDocument.objects.exists()


def test_only_an_office_admin_records_it(world):
    campaign = _at(world, Campaign.Stage.INSPECTION)
    with pytest.raises(PermissionDenied):
        outcome_record(
            campaign=campaign, to_stage="publicised", by=world.office_staff, title="x", upload=_file("a.pdf", pdf())
        )
    assert not OutcomeDocument.objects.exists()


def test_the_page_records_and_lists_them_and_the_document_downloads(client, world):
    _at(world, Campaign.Stage.INSPECTION)
    client.force_login(world.office_admin)
    page = client.get(reverse("inspection:outcome"))
    assert page.status_code == 200 and page.context["form"] is not None
    response = client.post(
        reverse("inspection:outcome"),
        {
            "to_stage": "publicised",
            "effective_on": "2026-12-01",
            "title": "公示通知",
            "document": _file("公示.pdf", pdf()),
        },
    )
    assert response.status_code == 302
    document = OutcomeDocument.objects.get()
    listing = client.get(reverse("inspection:outcome")).content.decode()
    assert "公示通知" in listing and "2026-12-01" in listing
    download = client.get(reverse("inspection:outcome_document", args=[document.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content)[:4] == b"%PDF"
    # A file that is not what its name says: the form says why, nothing moves.
    _at(world, Campaign.Stage.PUBLICISED)
    bad = client.post(
        reverse("inspection:outcome"),
        {"to_stage": "named", "effective_on": "2026-12-02", "title": "命名", "document": _file("命名.pdf", b"GIF89a")},
    )
    assert bad.status_code == 200 and bad.context["form"].non_field_errors()
    world.campaign.refresh_from_db()
    assert world.campaign.stage == Campaign.Stage.PUBLICISED


def test_staff_see_the_record_but_no_form_and_a_liaison_is_refused(client, world):
    _at(world, Campaign.Stage.INSPECTION)
    client.force_login(world.office_staff)
    assert client.get(reverse("inspection:outcome")).context["form"] is None
    client.force_login(world.liaison_a)
    assert client.get(reverse("inspection:outcome")).status_code == 403
