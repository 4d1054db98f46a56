"""An existing single-county database moves into regions without anyone setting anything up
(issue 14, item 1): every unit lands in one county (the city office in its city), every campaign
in that county under the name it already carried, every account is homed there."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("org", "0001_initial"), ("campaign", "0008_english_msgids")]
AFTER = [("org", "0003_account_home"), ("campaign", "0009_campaign_region_batch")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_an_existing_county_moves_into_one_default_region():
    old = _migrate(BEFORE)
    Unit, Campaign = old.get_model("org", "Unit"), old.get_model("campaign", "Campaign")
    Membership, User = old.get_model("org", "Membership"), old.get_model("core", "User")
    office = Unit.objects.create(code="D06", name="县委依法治县办", kind="office", region="城区")
    city = Unit.objects.create(code="C01", name="市委依法治市办", kind="city_office")
    Campaign.objects.create(county="某某县", name="2026年创建", slug="c-2026", kind="comprehensive")
    clerk = User.objects.create(username="clerk")
    Membership.objects.create(user=clerk, unit=office, role="office_admin")
    try:
        new = _migrate(AFTER)
        Region = new.get_model("org", "Region")
        county = Region.objects.get(kind="county")
        assert county.name == "某某县" and county.parent.kind == "city" and county.parent.parent.kind == "province"
        units = {u.code: u for u in new.get_model("org", "Unit").objects.all()}
        assert units["D06"].region_id == county.pk and units["D06"].locality == "城区"
        assert units["C01"].region_id == county.parent_id
        assert new.get_model("campaign", "Campaign").objects.get().region_id == county.pk
        assert new.get_model("org", "AccountHome").objects.get(user_id=clerk.pk).region_id == county.pk
        assert units["C01"].pk == city.pk
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
