"""On a phone: the self-assessment page proposes the full score for 达标 and warns about a
score that does not fit; a share's page shows the unit's own share and folds the others."""

import pytest
from playwright.sync_api import expect

from tests.factories import UnitFactory, make_assignment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def _login(page, base_url, user):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill("correct-horse-battery")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="登录")).to_have_count(0)


def test_on_a_phone_met_proposes_full_marks_and_a_misfit_score_is_flagged(page, live_server, world, shot):
    indicator = world.indicators[1]
    indicator.score = 2
    indicator.save()
    page.set_viewport_size(PHONE)
    _login(page, live_server.url, world.office_staff)
    page.goto(f"{live_server.url}/campaigns/assessments/{indicator.pk}/")
    expect(page.get_by_text("本指标的佐证材料")).to_be_visible()
    page.get_by_label("自评结果").select_option("met")
    expect(page.get_by_label("自评分")).to_have_value("2")
    warning = page.locator("[data-score-misfit]")
    expect(warning).to_be_hidden()
    page.get_by_label("自评结果").select_option("partial")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("满分")
    page.get_by_label("自评分").fill("1.5")
    expect(warning).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "assessment-phone")


def test_on_a_phone_a_share_page_folds_the_other_units(page, live_server, world, shot):
    share = world.shares.a_soon
    for n in range(30):
        make_assignment(world.campaign, share.indicator, UnitFactory(name=f"配合局{n}"), "cooperating")
    page.set_viewport_size(PHONE)
    _login(page, live_server.url, world.liaison_a)
    page.goto(f"{live_server.url}{share.get_absolute_url()}")
    expect(page.locator("[data-own-share]")).to_contain_text("县司法局")
    expect(page.get_by_text("配合局7", exact=True)).to_be_hidden()
    page.get_by_text("其他责任单位 31 个").click()
    expect(page.get_by_text("配合局7", exact=True)).to_be_visible()
    shot(page, "share-phone")
