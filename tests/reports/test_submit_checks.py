"""Submitting to the city: the confirmation page lists every blocker and warning with its
figures and its list; a comprehensive campaign under the threshold or with a veto is refused
by the service itself; each warning is ticked; figures that changed meanwhile re-show the page."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment.services import assessment_save
from campaign.models import SingleItemNarrative
from campaign.services import single_item_narrative_update
from core.models import AuditEvent
from evidence.services import evidence_add
from reports.models import Submission
from reports.selectors import submission_checks
from reports.services import submission_create
from tests.evidence import samples
from tests.reports.test_reports import _run

pytestmark = pytest.mark.django_db
URL = "/reports/submit/"


def _compiled(county):
    _run(county.campaign, "pdf", county.office_admin)
    _run(county.campaign, "package", county.office_admin)
    return county


def _pending(county, name="待审.pdf"):
    return evidence_add(
        assignment=county.shares.a_soon,
        kind="document",
        title=name,
        upload=SimpleUploadedFile(name, samples.pdf(name)),
        by=county.liaison_a,
    )


def _eligible(county):
    """1 of 2 applicable met (the fixture): a 50 % threshold is reached."""
    county.campaign.threshold = Decimal("0.5")
    county.campaign.save(update_fields=["threshold"])


def test_under_the_threshold_the_page_lists_the_blocker_and_offers_no_submit(client, county):
    _compiled(county)
    client.force_login(county.office_admin)
    body = client.get(URL).content.decode()
    assert "暂不能报送" in body and "50.0%" in body and "90%" in body
    assert reverse("assessment:list") in body  # the list behind the figure
    assert "4 项任务尚未通过" in body and f"{reverse('assignments:list')}?accepted=false" in body
    listed = client.get(reverse("assignments:list"), {"accepted": "false"}).context["page"].paginator.count
    assert listed == 4  # the count is the list it links to
    assert 'type="submit">报送市委依法治市办' not in body
    figures = submission_checks(county.campaign).figures
    response = client.post(
        URL, {"figures": figures, "confirm_shares_open": "on", "confirm_threshold": "on"}, follow=True
    )
    assert "暂不能报送" in response.content.decode() and not Submission.objects.exists()


def test_the_service_refuses_a_comprehensive_campaign_under_the_threshold_or_with_a_veto(county):
    _compiled(county)
    keys = ["threshold", "veto", "shares_open", "unassessed", "evidence_pending", "rectifications_open"]
    with pytest.raises(ValidationError):
        submission_create(campaign=county.campaign, by=county.office_admin, confirmed=keys)
    _eligible(county)
    veto = county.indicators[0]
    veto.is_veto = True
    veto.save(update_fields=["is_veto"])
    assessment_save(campaign=county.campaign, indicator=veto, by=None, result="met", veto_triggered=True)
    checks = submission_checks(county.campaign)
    assert [c.key for c in checks.blockers] == ["veto"] and checks.blockers[0].codes == [veto.code]
    with pytest.raises(ValidationError):
        submission_create(campaign=county.campaign, by=county.office_admin, confirmed=keys)
    assert not Submission.objects.exists()


def test_a_single_item_campaign_is_not_held_to_the_threshold_but_to_its_narrative(county):
    _compiled(county)
    county.campaign.kind, county.campaign.single_item_title = "single_item", "行政复议规范化"
    county.campaign.save()
    checks = submission_checks(county.campaign)
    assert [c.key for c in checks.blockers] == ["narrative"] and checks.blockers[0].count == 5
    keys = {c.key for c in checks.warnings}
    assert "shares_open" in keys and not keys & {"threshold", "veto", "unassessed"}
    with pytest.raises(ValidationError):
        submission_create(campaign=county.campaign, by=county.office_admin, confirmed=[c.key for c in checks.warnings])
    single_item_narrative_update(
        campaign=county.campaign, by=county.office_admin, **dict.fromkeys(SingleItemNarrative.SECTIONS, "写好了")
    )
    checks = submission_checks(county.campaign)
    assert checks.blockers == [] and checks.readiness.ready
    with pytest.raises(ValidationError):
        submission_create(campaign=county.campaign, by=county.office_admin, confirmed=["rectifications_open"])
    submission = submission_create(
        campaign=county.campaign, by=county.office_admin, confirmed=[c.key for c in checks.warnings]
    )
    assert {c["key"] for c in submission.confirmed} == {c.key for c in checks.warnings}
    assert submission.eligibility["readiness"] == {
        "ready": True,
        "sections_done": 5,
        "accepted": 2,
        "pending": 0,
        "returned": 0,
    }


def test_each_warning_is_ticked_and_what_was_confirmed_is_kept_and_audited(client, county):
    _compiled(county)
    _eligible(county)
    _pending(county)
    client.force_login(county.office_admin)
    page = client.get(URL)
    body = page.content.decode()
    assert "1 份材料待审核，不会纳入材料包" in body and reverse("evidence:queue") in body
    assert 'name="confirm_evidence_pending"' in body and 'name="confirm_shares_open"' in body
    figures = page.context["checks"].figures
    one = client.post(URL, {"figures": figures, "confirm_evidence_pending": "on"}, follow=True)
    assert "请逐项确认" in one.content.decode() and not Submission.objects.exists()
    done = client.post(URL, {"figures": figures, "confirm_evidence_pending": "on", "confirm_shares_open": "on"})
    submission = Submission.objects.get()
    assert done.status_code == 302 and done["Location"] == submission.get_absolute_url()
    assert [(c["key"], c["count"]) for c in submission.confirmed] == [("evidence_pending", 1), ("shares_open", 4)]
    event = AuditEvent.objects.get(verb="submitted")
    assert event.after["confirmed"] == [c["label"] for c in submission.confirmed]


def test_figures_that_changed_since_the_page_re_show_it_and_submit_nothing(client, county):
    _compiled(county)
    _eligible(county)
    client.force_login(county.office_admin)
    figures = client.get(URL).context["checks"].figures
    _pending(county, "刚上传.pdf")  # a liaison uploads while the admin reads the page
    response = client.post(URL, {"figures": figures, "confirm_shares_open": "on"}, follow=True)
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == URL and "数据已变化" in body and "1 份材料待审核" in body
    assert not Submission.objects.exists()


def test_office_staff_may_not_open_the_submission_page(client, county):
    client.force_login(county.office_staff)
    assert client.get(URL).status_code == 403
