"""The reports' tests share the county with assessments, accepted evidence and a city office."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assessment.services import assessment_save
from evidence.services import evidence_add, evidence_review
from tests.evidence import samples


@pytest.fixture
def county(world):
    """The world's campaign with assessments, accepted evidence and a city office."""
    world.campaign.city_office = world.city
    world.campaign.stage = "self_assessment"
    world.campaign.save()
    for n, ind in enumerate(world.indicators):
        assessment_save(
            campaign=world.campaign,
            indicator=ind,
            by=None,
            result=["met", "partial", "not_applicable"][n],
            practice=f"做法{n}",
        )
    for name, data, share in (
        ("通知.pdf", samples.pdf("a"), world.shares.a_soon),
        ("照片.jpg", samples.jpeg(), world.shares.a_overdue),
    ):
        e = evidence_add(
            assignment=share,
            kind="document" if name.endswith("pdf") else "image",
            title=name,
            upload=SimpleUploadedFile(name, data),
            by=world.liaison_a,
        )
        evidence_review(evidence=e, decision="accepted", by=world.office_staff)
    return world
