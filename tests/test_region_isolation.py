"""Two counties in one deployment (issue 14, item 2): the URL × persona matrix of
tests/test_url_matrix.py walked again by the people of another county, of another city
and of the province. Every object of county A is a 404 to them; every page they may open
shows nothing of county A; no POST of theirs changes a row of county A."""

from types import SimpleNamespace

import pytest
from django.apps import apps

from org import permissions
from org.models import Membership, Region, Unit
from org.services import membership_create
from tests import test_url_matrix as matrix
from tests.factories import CampaignFactory, UnitFactory, UserFactory, make_assignment, make_tree

pytestmark = pytest.mark.django_db

# Persona of another county / city / the province -> the persona of county A whose rights it has
# at home (its answer on a page that is not about one object).
COUNTERPART = {
    "other_office_admin": "office_admin",
    "other_office_staff": "office_staff",
    "other_liaison": "liaison_a",
    "other_city_reviewer": "city_reviewer",
    "province_reviewer": "city_reviewer",
}
OTHERS = sorted(COUNTERPART)
OUR_APPS = ("core", "org", "campaign", "indicators", "assignments", "evidence", "assessment", "inspection", "reports")
# The province's reviewers work on what cities recommend (review/), not on the counties' lists.
# The city's workspace is the city's; the province has its own (review.views: RECORD_CITY_REVIEW /
# RECORD_PROVINCE_REVIEW), which shows nothing of county A until a city recommends it.
PROVINCE_OVERRIDES = {
    "reports:submissions": 403,
    "review:city": 403,
    "review:city_export": 403,
    "review:city_compare": 403,
    "review:province": 200,
    "review:province_export": 200,
    "review:province_compare": 200,
}
# Objects every county shares: the national indicator system.
SHARED_OBJECTS = {"assignments:tree"}


@pytest.fixture
def counties(world):
    """County A is the world's (with its city office moved up to the city, where it belongs);
    county B is a second county of the same city with its own office, units, campaign and people;
    city B is another city of the province with its own reviewer; the province has a reviewer."""
    county_a = Region.objects.default_county()
    city = county_a.parent
    province = city.parent
    Unit.objects.filter(pk=world.city.pk).update(region=city)
    county_b = Region.objects.create(kind=Region.Kind.COUNTY, code="X2", name="乙县", parent=city)
    city_b = Region.objects.create(kind=Region.Kind.CITY, code="C2", name="丙市", parent=province)
    office_b = UnitFactory(code="B-OFF", name="乙县依法治县办", kind=Unit.Kind.OFFICE, region=county_b)
    unit_b1 = UnitFactory(code="B-D01", name="乙县公安局", region=county_b)
    city_office_b = UnitFactory(code="C2-OFF", name="丙市依法治市办", kind=Unit.Kind.CITY_OFFICE, region=city_b)
    province_office = UnitFactory(code="P-OFF", name="省依法治省办", kind=Unit.Kind.PROVINCE_OFFICE, region=province)
    campaign_b = CampaignFactory(region=county_b, county="乙县", name="乙县综合示范创建")
    j1, _j2, _j3 = make_tree(campaign_b.framework)
    make_assignment(campaign_b, j1, unit_b1, days=-2)

    def person(username, role, unit):
        user = UserFactory(username=username)
        membership_create(user=user, unit=unit, role=role)
        return user

    R = Membership.Role
    return SimpleNamespace(
        **vars(world),
        county_a=county_a,
        county_b=county_b,
        campaign_b=campaign_b,
        other_office_admin=person("b-office-admin", R.OFFICE_ADMIN, office_b),
        other_office_staff=person("b-office-staff", R.OFFICE_STAFF, office_b),
        other_liaison=person("b-liaison", R.LIAISON, unit_b1),
        other_city_reviewer=person("c2-reviewer", R.CITY_REVIEWER, city_office_b),
        province_reviewer=person("p-reviewer", R.PROVINCE_REVIEWER, province_office),
    )


def _markers(w):
    """Words that appear only in county A's data."""
    return [w.campaign.name, w.unit_a.name, w.unit_b.name]


def _county_a_rows(w):
    """Every row of our apps that belongs to county A, with its last change: a refused or
    foreign request must leave them as they were."""
    rows = {}
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS:
            continue
        path = permissions.region_path(model)
        if path is None:
            continue
        fields = ["pk"] + (["updated_at"] if any(f.name == "updated_at" for f in model._meta.fields) else [])
        rows[model._meta.label] = sorted(
            model._default_manager.filter(**{path: w.county_a.pk}).values_list(*fields), key=str
        )
    return rows


def _want(name, table, persona):
    """What another county's persona gets: its counterpart's answer on pages not about one
    object; on county A's objects a 404 (a 403 where the counterpart is refused the page anyway)."""
    path = matrix.EXPECTED[name][0]
    counterpart = matrix._expected(table, COUNTERPART[persona])
    if persona == "province_reviewer" and name in PROVINCE_OVERRIDES:
        counterpart = PROVINCE_OVERRIDES[name]
    if counterpart == 403:
        return (403, 404)  # refused either way; a 404 where nothing of theirs exists to refuse
    if counterpart in (matrix.LOGIN, 405) or not callable(path) or name in SHARED_OBJECTS:
        return (counterpart,)
    return (404,)


@pytest.mark.parametrize("persona", OTHERS)
@pytest.mark.parametrize("name", sorted(matrix.EXPECTED))
def test_another_countys_people_get_404_on_its_objects_and_see_none_of_it(client, counties, name, persona):
    path, table = matrix.EXPECTED[name]
    path = path(counties) if callable(path) else path
    client.force_login(getattr(counties, persona))
    response = client.get(path)
    wanted = _want(name, table, persona)
    assert response.status_code in wanted, f"{persona} {name}: {response.status_code}, want {wanted}"
    if response.status_code == 200 and response.get("Content-Type", "").startswith(("text/", "application/json")):
        body = b"".join(response) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        leaked = [m for m in _markers(counties) if m in text]
        assert leaked == [], f"{persona} {name} shows county A's {leaked}"


@pytest.mark.parametrize("persona", OTHERS)
@pytest.mark.parametrize("name", sorted(matrix.POSTS))
def test_no_post_of_another_countys_people_changes_its_rows(client, counties, name, persona):
    path, data, table, _writes = matrix.POSTS[name]
    path = path(counties) if callable(path) else path
    data = data(counties, client) if callable(data) else data
    client.force_login(getattr(counties, persona))
    before = _county_a_rows(counties)
    response = client.post(path, data)
    assert response.status_code != 500
    if callable(matrix.POSTS[name][0]):
        assert response.status_code in (403, 404), f"{persona} {name}: {response.status_code}"
    assert _county_a_rows(counties) == before, f"{persona} {name} changed county A's rows"


def test_a_city_reviewer_reaches_the_counties_of_their_city_only(counties):
    mine = permissions.reach(counties.city_reviewer, permissions.RECORD_CITY_REVIEW)
    theirs = permissions.reach(counties.other_city_reviewer, permissions.RECORD_CITY_REVIEW)
    assert {counties.county_a.pk, counties.county_b.pk} <= mine
    assert counties.county_a.pk not in theirs and counties.county_b.pk not in theirs


def test_an_office_reaches_its_own_county_only(counties):
    assert permissions.reach(counties.office_admin, permissions.MANAGE_CAMPAIGN) == {counties.county_a.pk}
    assert permissions.reach(counties.other_office_admin, permissions.MANAGE_CAMPAIGN) == {counties.county_b.pk}
    from campaign.selectors import campaign_current

    assert campaign_current(counties.other_office_admin) == counties.campaign_b
    assert campaign_current(counties.office_admin) == counties.campaign
    assert campaign_current(counties.other_liaison) == counties.campaign_b


def test_the_people_list_and_the_audit_page_are_the_countys_own(client, counties):
    client.force_login(counties.other_office_admin)
    names = {p.username for p in client.get("/people/").context["page"]}
    assert "b-liaison" in names and "liaison-a" not in names and "office-admin" not in names
    audit = client.get("/audit/")
    assert audit.status_code == 200
    assert all(e.unit is None or e.unit.region_id == counties.county_b.pk for e in audit.context["page"])
    assert "县司法局" not in audit.content.decode()


def test_a_unit_code_of_another_county_is_refused_not_taken_over(counties):
    from django.core.exceptions import ValidationError

    from org.services import unit_upsert

    with pytest.raises(ValidationError):
        unit_upsert(code=counties.unit_a.code, name="乙县司法局", kind=Unit.Kind.DEPARTMENT, region=counties.county_b)
    counties.unit_a.refresh_from_db()
    assert counties.unit_a.region_id == counties.county_a.pk and counties.unit_a.name == "县司法局"


def test_two_counties_may_both_have_a_unit_of_the_same_name(counties):
    UnitFactory(code="B-D16", name=counties.unit_a.name, region=counties.county_b)
    assert Unit.objects.filter(name=counties.unit_a.name).count() == 2


def test_a_task_table_names_units_of_the_campaigns_own_county(counties):
    from assignments.services import UnitDirectory

    UnitFactory(code="B-D16", name=counties.unit_a.name, region=counties.county_b)
    directory = UnitDirectory(region=counties.county_b.pk)
    assert {u.region_id for u in directory.units} == {counties.county_b.pk}
