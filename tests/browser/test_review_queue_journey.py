"""Issue 21: a reviewer works a filtered queue with 下一条 and 通过 and never leaves the filter."""

import pytest
from playwright.sync_api import expect

from assignments.models import Assignment
from evidence.models import Evidence
from evidence.services import evidence_add
from org.models import Membership
from tests.browser.test_login_journey import _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pending_items(demo):
    """Five new summaries on one indicator's open share, and one on another indicator's."""
    liaisons = Membership.objects.filter(role=Membership.Role.LIAISON).values("unit")
    open_shares = Assignment.objects.filter(status__in=Assignment.OPEN_STATUSES, unit__in=liaisons)
    share = open_shares.select_related("indicator").order_by("indicator__code").first()
    other = open_shares.exclude(indicator=share.indicator).select_related("indicator").first()
    liaison = Membership.objects.filter(unit=share.unit, role=Membership.Role.LIAISON).first().user
    other_liaison = Membership.objects.filter(unit=other.unit, role=Membership.Role.LIAISON).first().user
    for n in range(5):
        evidence_add(
            assignment=share, kind="summary", title=f"队列材料{n + 1}", text=f"工作小结第{n + 1}份。", by=liaison
        )
    outsider = evidence_add(assignment=other, kind="summary", title="别的指标的材料", text="另一项。", by=other_liaison)
    return share.indicator.code, outsider


def test_a_reviewer_walks_a_filtered_queue_with_next_and_stays_in_it(browser, live_server, demo, shot):
    code, outsider = _pending_items(demo)
    pending = Evidence.objects.filter(review_status=Evidence.Review.PENDING, assignment__indicator__code=code)
    total = pending.count()
    assert total >= 5
    desk = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    page = desk.new_page()
    _login(page, live_server.url, "demo-staff")
    page.goto(f"{live_server.url}/evidence/review/?code={code}")
    shot(page, "review-queue-filtered", full_page=False)
    page.locator("main a[href*='/evidence/'][href*='queue=']").first.click()
    # 下一条 skips one item without deciding; 通过 decides and moves on within the filter.
    expect(page.get_by_role("link", name="下一条")).to_be_visible()
    page.get_by_role("link", name="下一条").click()
    assert f"code%3D{code}" in page.url or f"code={code}" in page.url
    decided = 0
    while True:
        page.get_by_role("button", name="通过", exact=True).click()
        decided += 1
        expect(page.locator(".alert-success")).to_be_visible()
        assert code in page.url, page.url  # never the unfiltered queue
        if "/evidence/review/" in page.url:  # the filter's items are done: back to the filtered queue
            break
        assert decided < total
    assert decided == total - 1  # all but the one skipped with 下一条
    expect(page.locator("main")).not_to_contain_text("别的指标的材料")
    outsider.refresh_from_db()
    assert outsider.review_status == Evidence.Review.PENDING  # another indicator's item is untouched
    assert pending.count() == 1
    desk.close()
