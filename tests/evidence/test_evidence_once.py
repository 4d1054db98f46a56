"""Evidence once (最多报一次, issue 14 item 9): a piece the county holds is linked into another of
its campaigns without a new upload, reviewed there like any other piece, packed once, and its
page shows where it is used. Another county's evidence or campaign is a 404; twice is a message."""

import io
import json
import zipfile
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from assignments.models import Assignment
from campaign.models import Campaign
from core.models import AuditEvent
from evidence.models import Evidence, EvidenceRevision
from evidence.selectors import evidence_link_targets, evidence_uses
from evidence.services import evidence_add, evidence_link_to_campaign, evidence_review
from evidence.sniff import Refused
from org.models import Membership, Region
from org.services import membership_create
from reports.builders import build_package
from tests.evidence import samples
from tests.factories import CampaignFactory, UnitFactory, UserFactory, make_assignment, make_tree

pytestmark = pytest.mark.django_db


def _upload(share, by, name="规范性文件清理.pdf", data=None):
    return evidence_add(
        assignment=share,
        kind="document",
        title=name,
        upload=SimpleUploadedFile(name, data or samples.pdf(name)),
        by=by,
    )


@pytest.fixture
def single(world):
    """A single-item campaign of the same county beside the world's comprehensive one, on the
    same framework, with a share of unit A (and one of unit B) for the first indicator."""
    campaign = CampaignFactory(
        name="行政执法三项制度单项示范",
        kind=Campaign.Kind.SINGLE_ITEM,
        single_item_title="全面推行行政执法“三项制度”",
        framework=world.campaign.framework,
        region=world.campaign.region,
    )
    i1 = world.indicators[0]
    world.single = campaign
    world.single_a = make_assignment(campaign, i1, world.unit_a, days=20)
    world.single_b = make_assignment(campaign, i1, world.unit_b, Assignment.Role.COOPERATING, days=20)
    return world


@pytest.fixture
def elsewhere(world):
    """Another county of the same city with its own campaign, unit and liaison."""
    county = Region.objects.create(kind=Region.Kind.COUNTY, code="X9", name="邻县", parent=world.campaign.region.parent)
    unit = UnitFactory(code="D916", name="邻县司法局", region=county)
    campaign = CampaignFactory(name="邻县综合示范", region=county)
    (i1, *_rest) = make_tree(campaign.framework)
    liaison = UserFactory(username="liaison-x")
    membership_create(user=liaison, unit=unit, role=Membership.Role.LIAISON)
    return SimpleNamespace(
        county=county, unit=unit, campaign=campaign, liaison=liaison, share=make_assignment(campaign, i1, unit)
    )


def test_a_link_holds_the_same_stored_file_and_waits_for_review_in_its_campaign(single):
    w = single
    origin = _upload(w.shares.a_overdue, w.liaison_a)
    evidence_review(evidence=origin, decision="accepted", by=w.office_staff)
    link = evidence_link_to_campaign(evidence=origin, assignment=w.single_a, by=w.liaison_a)
    assert link.origin_id == origin.pk and link.campaign_id == w.single.pk and link.assignment == w.single_a
    assert link.review_status == Evidence.Review.PENDING  # its own review in the target campaign
    a, b = origin.current_revision, link.current_revision
    assert b.file.name == a.file.name and b.sha256 == a.sha256 and b.size == a.size
    assert EvidenceRevision.objects.filter(file=a.file.name).count() == 2  # one stored file, two revisions
    w.single_a.refresh_from_db()
    assert w.single_a.status == Assignment.Status.IN_PROGRESS
    event = AuditEvent.objects.get(verb="evidence_linked_campaign")
    assert event.after["campaign"] == w.single.name and event.after["from_evidence"] == str(origin.pk)
    evidence_review(evidence=link, decision="returned", comment="请补充执法公示截图", by=w.office_staff)
    origin.refresh_from_db()
    assert origin.review_status == Evidence.Review.ACCEPTED  # a decision in one campaign stays there


def test_linking_twice_into_a_campaign_is_refused_with_a_message(client, single):
    w = single
    origin = _upload(w.shares.a_overdue, w.liaison_a)
    link = evidence_link_to_campaign(evidence=origin, assignment=w.single_a, by=w.liaison_a)
    with pytest.raises(ValidationError, match="已在"):
        evidence_link_to_campaign(evidence=origin, assignment=w.single_a, by=w.liaison_a)
    with pytest.raises(ValidationError, match="已在"):  # a link back into the origin's campaign
        evidence_link_to_campaign(evidence=link, assignment=w.shares.a_soon, by=w.liaison_a)
    client.force_login(w.liaison_a)
    url = reverse("evidence:link_campaign", args=[origin.pk])
    response = client.post(url, {"share": w.single_a.pk}, follow=True)
    assert response.status_code == 200 and "每个创建活动只引用一次" in response.content.decode()
    assert Evidence.objects.filter(origin=origin).count() == 1


def test_the_database_holds_one_link_per_campaign_when_two_requests_race(single):
    w = single
    origin = _upload(w.shares.a_overdue, w.liaison_a)
    evidence_link_to_campaign(evidence=origin, assignment=w.single_a, by=w.liaison_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.create(
            assignment=w.single_a, campaign=w.single, origin=origin, kind="document", title="第二次"
        )


def test_the_page_links_and_shows_where_the_piece_is_used(client, single):
    w = single
    origin = _upload(w.shares.a_overdue, w.liaison_a)
    client.force_login(w.liaison_a)
    page = client.get(origin.get_absolute_url())
    assert [a.pk for a in page.context["link_targets"]] == [w.single_a.pk]  # the unit's own share only
    response = client.post(reverse("evidence:link_campaign", args=[origin.pk]), {"share": w.single_a.pk})
    link = Evidence.objects.get(origin=origin)
    assert response.status_code == 302 and response["Location"] == link.get_absolute_url()
    for piece in (origin, link):
        body = client.get(piece.get_absolute_url()).content.decode()
        assert w.campaign.name in body and w.single.name in body and "引用，未重复上传" in body
    assert page.context["link_targets"] and not client.get(origin.get_absolute_url()).context["link_targets"]
    assert [u.pk for u in evidence_uses(w.office_staff, link)] == [origin.pk, link.pk]


def test_only_who_may_contribute_to_the_target_share_may_link(client, single):
    w = single
    origin = _upload(w.shares.a_overdue, w.liaison_a)
    url = reverse("evidence:link_campaign", args=[origin.pk])
    client.force_login(w.liaison_b)  # another unit's liaison: the evidence is not theirs to see
    assert client.post(url, {"share": w.single_b.pk}).status_code == 404
    client.force_login(w.office_staff)  # the office reviews; it does not contribute
    assert client.post(url, {"share": w.single_a.pk}).status_code == 403
    client.force_login(w.liaison_a)  # unit B's share in the single-item campaign
    assert client.post(url, {"share": w.single_b.pk}).status_code == 404
    with pytest.raises(PermissionDenied):  # the service checks it too
        evidence_link_to_campaign(evidence=origin, assignment=w.single_b, by=w.liaison_a)
    assert not Evidence.objects.filter(origin=origin).exists()


def test_another_countys_campaign_or_evidence_is_a_404(client, single, elsewhere):
    w = single
    origin = _upload(w.shares.a_overdue, w.liaison_a)
    client.force_login(w.liaison_a)
    # A task of another county, even one the liaison could contribute to there.
    membership_create(user=w.liaison_a, unit=elsewhere.unit, role=Membership.Role.LIAISON)
    assert (
        client.post(reverse("evidence:link_campaign", args=[origin.pk]), {"share": elsewhere.share.pk}).status_code
        == 404
    )
    assert elsewhere.share not in evidence_link_targets(w.liaison_a, origin)
    with pytest.raises(ValidationError):
        evidence_link_to_campaign(evidence=origin, assignment=elsewhere.share, by=w.liaison_a)
    # Evidence of another county, asked for by that county's liaison's neighbour.
    theirs = _upload(elsewhere.share, elsewhere.liaison, "邻县材料.pdf")
    client.force_login(w.liaison_b)
    assert client.post(reverse("evidence:link_campaign", args=[theirs.pk]), {"share": w.single_b.pk}).status_code == 404
    client.force_login(elsewhere.liaison)
    assert client.post(reverse("evidence:link_campaign", args=[theirs.pk]), {"share": w.single_a.pk}).status_code == 404
    assert client.post(reverse("evidence:link_campaign", args=[origin.pk]), {"share": "not-an-id"}).status_code == 404
    assert not Evidence.objects.filter(origin__isnull=False).exists()


def test_the_package_holds_each_file_once_with_entries_pointing_to_it(single):
    w = single
    data = samples.pdf("同一份文件")
    # Last year's campaign and this year's hold the same bytes, uploaded separately (allowed
    # across campaigns); both are linked into the single-item campaign.
    last_year = CampaignFactory(name="上一年度综合示范", framework=w.campaign.framework, region=w.campaign.region)
    old_share = make_assignment(last_year, w.indicators[0], w.unit_a)
    first = _upload(w.shares.a_overdue, w.liaison_a, "执法公示.pdf", data)
    second = _upload(old_share, w.liaison_a, "执法公示（上年）.pdf", data)
    other = make_assignment(w.single, w.indicators[1], w.unit_a)
    links = [
        evidence_link_to_campaign(evidence=first, assignment=w.single_a, by=w.liaison_a),
        evidence_link_to_campaign(evidence=second, assignment=other, by=w.liaison_a),
    ]
    for link in links:
        evidence_review(evidence=link, decision="accepted", by=w.office_staff)
    out = io.BytesIO()
    manifest = build_package(w.single, out)
    with zipfile.ZipFile(out) as zf:
        pdfs = [i for i in zf.infolist() if i.filename.endswith(".pdf")]
        stored = json.loads(zf.read("manifest.json"))
        assert len(pdfs) == 1 and zf.read(pdfs[0].filename) == data
    assert stored == manifest and len(manifest) == 2
    assert {m["path"] for m in manifest} == {pdfs[0].filename}
    assert [m.get("same_as") for m in manifest] == [None, pdfs[0].filename]
    assert {m["title"] for m in manifest} == {"执法公示.pdf", "执法公示（上年）.pdf"}


def test_a_hidden_piece_is_not_linked(single):
    w = single
    origin = _upload(w.shares.a_overdue, w.liaison_a)
    Evidence.objects.filter(pk=origin.pk).update(hidden_at="2026-01-01T00:00:00Z")
    origin.refresh_from_db()
    with pytest.raises(ValidationError):
        evidence_link_to_campaign(evidence=origin, assignment=w.single_a, by=w.liaison_a)


def test_an_upload_of_the_linked_bytes_points_to_the_link(single):
    w = single
    data = samples.pdf("只报一次")
    origin = _upload(w.shares.a_overdue, w.liaison_a, "只报一次.pdf", data)
    evidence_link_to_campaign(evidence=origin, assignment=w.single_a, by=w.liaison_a)
    with pytest.raises(Refused, match="上传过"):
        _upload(w.single_a, w.liaison_a, "又传一次.pdf", data)


def test_the_pages_queries_do_not_grow_with_the_places_a_piece_is_used(client, single, django_assert_max_num_queries):
    w = single
    origin = _upload(w.shares.a_overdue, w.liaison_a)
    client.force_login(w.liaison_a)
    with django_assert_max_num_queries(60) as first:
        client.get(origin.get_absolute_url())
    for n in range(3):  # three more campaigns of the county, each holding a link
        more = CampaignFactory(name=f"第{n}个", framework=w.campaign.framework, region=w.campaign.region)
        share = make_assignment(more, w.indicators[0], w.unit_a)
        evidence_link_to_campaign(evidence=origin, assignment=share, by=w.liaison_a)
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(origin.get_absolute_url())
    assert len(response.context["uses"]) == 4
