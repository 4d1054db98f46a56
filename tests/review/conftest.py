"""The review world: the reports' county (assessments, accepted evidence, a city office) in a
province → city → county tree, a batch, a province office with its reviewer, and helpers that
make submitted versions."""

import pytest
from django.core.files.base import ContentFile

from assessment.models import Assessment
from campaign.models import Campaign
from org.models import Membership, Region, Unit
from org.services import membership_create
from reports.models import Submission
from reports.selectors import submission_state
from tests.factories import CampaignFactory, UnitFactory, UserFactory
from tests.reports.conftest import county  # noqa: F401, F811  (the reports world, reused)


def submit_version(campaign, *, by=None):
    """A submitted version as submission_create freezes it (state and number), without compiling
    a PDF: the decision services read the row, not the files."""
    last = Submission.objects.filter(campaign=campaign).order_by("-version").first()
    s = Submission(
        campaign=campaign,
        city_office=campaign.city_office,
        county=campaign.county,
        title=campaign.name,
        version=(last.version + 1) if last else 1,
        snapshot=submission_state(campaign),
        report_sha256="0",
        package_sha256="0",
        submitted_by=by,
    )
    s.report.save("r.pdf", ContentFile(b"%PDF"), save=False)
    s.package.save("p.zip", ContentFile(b"PK"), save=False)
    s.save()
    Campaign.objects.filter(pk=campaign.pk).update(stage=Campaign.Stage.DECLARED)
    campaign.refresh_from_db()
    return s


@pytest.fixture
def tree(county):  # noqa: F811
    """county (the reports' fixture) placed in a city of a province, batch 第五批, a province
    office and reviewer, and a second county of the same city with its own campaign."""
    w = county
    province = Region.objects.create(kind=Region.Kind.PROVINCE, code="P1", name="某省")
    city = Region.objects.create(kind=Region.Kind.CITY, code="C1", name="某市", parent=province)
    county_a = Region.objects.create(kind=Region.Kind.COUNTY, code="X1", name="甲县", parent=city)
    county_b = Region.objects.create(kind=Region.Kind.COUNTY, code="X2", name="乙县", parent=city)
    city_level = Region.objects.create(
        kind=Region.Kind.COUNTY, code="X9", name="某市本级", parent=city, is_city_level=True
    )
    Unit.objects.filter(pk=w.city.pk).update(region=city)
    Unit.objects.filter(pk__in=[w.office.pk, w.unit_a.pk, w.unit_b.pk]).update(region=county_a)
    Campaign.objects.filter(pk=w.campaign.pk).update(region=county_a, batch="第五批", county="甲县")
    w.campaign.refresh_from_db()
    w.city.refresh_from_db()
    w.province_office = UnitFactory(code="P01", name="省委依法治省办", kind=Unit.Kind.PROVINCE_OFFICE, region=province)
    w.province_reviewer = UserFactory(username="province-reviewer")
    membership_create(user=w.province_reviewer, unit=w.province_office, role=Membership.Role.PROVINCE_REVIEWER)
    w.region = SimpleRegions(province, city, county_a, county_b, city_level)

    def other_campaign(region, kind=Campaign.Kind.COMPREHENSIVE, **extra):
        c = CampaignFactory(
            framework=w.campaign.framework,
            region=region,
            county=region.name,
            batch="第五批",
            kind=kind,
            single_item_title="单项示范项目" if kind == Campaign.Kind.SINGLE_ITEM else "",
            city_office=w.city,
            stage=Campaign.Stage.SELF_ASSESSMENT,
            **extra,
        )
        for ind in w.indicators:
            Assessment.objects.create(campaign=c, indicator=ind, result="met")
        return c

    w.other_campaign = other_campaign
    return w


class SimpleRegions:
    def __init__(self, province, city, county_a, county_b, city_level):
        self.province, self.city, self.county_a, self.county_b, self.city_level = (
            province,
            city,
            county_a,
            county_b,
            city_level,
        )
