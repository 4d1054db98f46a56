"""Publicity (宣传): units log actions, the office sets targets and sees progress, a news
link becomes evidence with one action."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from evidence.models import Evidence
from inspection.models import PublicityAction, PublicityTarget
from inspection.selectors import publicity_progress
from inspection.services import publicity_log, publicity_target_set, publicity_to_evidence, publicity_update
from tests.evidence.samples import pdf, png

pytestmark = pytest.mark.django_db
P = PublicityAction.Platform
DAY = datetime.date(2026, 11, 10)


def _log(w, unit=None, by=None, **extra):
    values = {
        "platform": P.WECHAT,
        "happened_on": DAY,
        "title": "宪法宣传周",
        "url": "https://mp.weixin.qq.com/s/1",
        "reads": 1000,
        "participants": None,
    }
    values.update(extra)
    return publicity_log(
        campaign=w.campaign, unit=unit or w.unit_a, by=by or w.liaison_a, indicators=[w.indicators[0]], **values
    )


def test_liaison_logs_an_action_with_its_indicators_and_an_audit_event(world):
    action = _log(world)
    assert action.unit == world.unit_a and list(action.indicators.all()) == [world.indicators[0]]
    from core.models import AuditEvent

    assert AuditEvent.objects.filter(object_id=str(action.pk), verb="created").exists()


def test_liaison_cannot_log_for_another_unit(world):
    with pytest.raises(PermissionDenied):
        _log(world, unit=world.unit_b, by=world.liaison_a)
    assert not PublicityAction.objects.exists()


def test_an_action_without_link_or_photo_is_refused(world):
    with pytest.raises(ValidationError):
        _log(world, url="")
    assert not PublicityAction.objects.exists()


def test_the_database_refuses_an_action_without_link_or_photo(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        PublicityAction.objects.create(
            campaign=world.campaign, unit=world.unit_a, platform=P.PRESS, happened_on=DAY, title="无凭据"
        )


def test_an_indicator_of_another_framework_is_refused(world):
    from indicators.models import Framework
    from tests.factories import make_tree

    other = make_tree(Framework.objects.create(name="另一版本", version="x"))[0]
    with pytest.raises(ValidationError):
        publicity_log(
            campaign=world.campaign,
            unit=world.unit_a,
            by=world.liaison_a,
            indicators=[other],
            platform=P.PRESS,
            happened_on=DAY,
            title="x",
            url="https://x.gov.cn/1",
        )


def test_news_link_becomes_evidence_of_the_units_task_once(world):
    action = _log(world)
    evidence = publicity_to_evidence(action=action, indicator=world.indicators[0], by=world.liaison_a)
    assert evidence.assignment == world.shares.a_overdue
    assert evidence.kind == Evidence.Kind.NEWS_LINK and evidence.current_revision.url == action.url
    assert evidence.title == action.title and evidence.issued_on == DAY
    action.refresh_from_db()
    assert action.evidence == evidence
    with pytest.raises(ValidationError):
        publicity_to_evidence(action=action, indicator=world.indicators[1], by=world.liaison_a)
    assert Evidence.objects.count() == 1


def test_evidence_is_refused_where_the_unit_has_no_task(world):
    """Unit B (the township) has a task for indicator 2 only."""
    action = _log(world, unit=world.unit_b, by=world.liaison_b)
    with pytest.raises(ValidationError, match="1.1.1"):
        publicity_to_evidence(action=action, indicator=world.indicators[0], by=world.liaison_b)
    assert not Evidence.objects.exists()


def test_a_photo_only_action_cannot_become_news_link_evidence(world):
    action = _log(world, url="", photo=SimpleUploadedFile("a.png", png(), "image/png"))
    with pytest.raises(ValidationError):
        publicity_to_evidence(action=action, indicator=world.indicators[0], by=world.liaison_a)


def test_another_units_liaison_cannot_turn_the_link_into_evidence(world):
    action = _log(world)
    with pytest.raises(PermissionDenied):
        publicity_to_evidence(action=action, indicator=world.indicators[0], by=world.liaison_b)
    assert not Evidence.objects.exists()


def test_the_link_of_an_action_that_is_evidence_cannot_change(world):
    action = _log(world)
    publicity_to_evidence(action=action, indicator=world.indicators[0], by=world.liaison_a)
    values = {f: getattr(action, f) for f in ("platform", "happened_on", "title", "reads", "participants")}
    with pytest.raises(ValidationError):
        publicity_update(action=action, by=world.liaison_a, url="https://other.example/2", **values)
    publicity_update(action=action, by=world.liaison_a, url=action.url, **{**values, "reads": 5000})
    action.refresh_from_db()
    assert action.reads == 5000


def test_targets_are_unique_per_unit_month_and_platform_in_the_database(world):
    PublicityTarget.objects.create(
        campaign=world.campaign, unit=world.unit_a, month=datetime.date(2026, 11, 1), platform=P.WECHAT, count=2
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        PublicityTarget.objects.create(
            campaign=world.campaign, unit=world.unit_a, month=datetime.date(2026, 11, 1), platform=P.WECHAT, count=4
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        PublicityTarget.objects.create(
            campaign=world.campaign, unit=world.unit_a, month=datetime.date(2026, 11, 5), platform=P.PRESS, count=1
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        PublicityTarget.objects.create(
            campaign=world.campaign, unit=world.unit_a, month=datetime.date(2026, 12, 1), platform=P.PRESS, count=0
        )


def test_progress_counts_the_units_actions_of_that_month_and_platform(world, django_assert_max_num_queries):
    publicity_target_set(
        campaign=world.campaign, unit=world.unit_a, month=DAY, platform=P.WECHAT, count=2, by=world.office_staff
    )
    publicity_target_set(
        campaign=world.campaign, unit=world.unit_b, month=DAY, platform=P.WECHAT, count=1, by=world.office_staff
    )
    _log(world)
    _log(world, happened_on=datetime.date(2026, 10, 31))  # another month
    _log(world, platform=P.PRESS)  # another platform
    _log(world, unit=world.unit_b, by=world.liaison_b, happened_on=datetime.date(2026, 11, 30))
    with django_assert_max_num_queries(5):  # the permission check, the targets, the counts
        progress = {p.target.unit_id: p for p in publicity_progress(world.office_admin, world.campaign)}
    assert (progress[world.unit_a.pk].done, progress[world.unit_a.pk].pct) == (1, 50)
    assert progress[world.unit_b.pk].met
    mine = publicity_progress(world.liaison_a, world.campaign)
    assert [p.target.unit for p in mine] == [world.unit_a]


def test_a_unit_cannot_set_targets_and_zero_removes_one(world):
    with pytest.raises(PermissionDenied):
        publicity_target_set(
            campaign=world.campaign, unit=world.unit_a, month=DAY, platform=P.WECHAT, count=2, by=world.liaison_a
        )
    publicity_target_set(
        campaign=world.campaign, unit=world.unit_a, month=DAY, platform=P.WECHAT, count=2, by=world.office_admin
    )
    assert PublicityTarget.objects.get().month == datetime.date(2026, 11, 1)
    publicity_target_set(
        campaign=world.campaign, unit=world.unit_a, month=DAY, platform=P.WECHAT, count=0, by=world.office_admin
    )
    assert not PublicityTarget.objects.exists()


# --- views ------------------------------------------------------------------------------------


def test_liaison_logs_from_the_form_and_turns_it_into_evidence(client, world):
    client.force_login(world.liaison_a)
    response = client.post(
        "/inspection/publicity/new/",
        {
            "unit": world.unit_b.pk,  # ignored: the liaison's own unit
            "platform": "gov_website",
            "happened_on": "2026-11-20",
            "title": "县政府网：法治宣传进乡村",
            "url": "https://www.example.gov.cn/news/9.html",
            "reads": "3200",
            "participants": "",
            "indicators": [world.indicators[0].pk],
        },
    )
    assert response.status_code == 302
    action = PublicityAction.objects.get()
    assert action.unit == world.unit_a and action.reads == 3200
    response = client.post(f"/inspection/publicity/{action.pk}/evidence/", {"indicator": world.indicators[0].pk})
    assert response.status_code == 302 and response["Location"] == world.shares.a_overdue.get_absolute_url()
    assert Evidence.objects.get().current_revision.url == action.url


def test_the_form_refuses_a_future_date_and_a_missing_link_in_chinese(client, world):
    client.force_login(world.liaison_a)
    response = client.post(
        "/inspection/publicity/new/",
        {"platform": "press", "happened_on": "2031-01-01", "title": "x", "url": "", "indicators": []},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "日期" in page
    assert not PublicityAction.objects.exists()


def test_a_photo_that_is_not_a_picture_is_refused(client, world):
    client.force_login(world.liaison_a)
    response = client.post(
        "/inspection/publicity/new/",
        {
            "platform": "outdoor",
            "happened_on": "2026-11-20",
            "title": "宣传栏",
            "photo": SimpleUploadedFile("宣传栏.jpg", pdf(), "image/jpeg"),
        },
    )
    assert response.status_code == 200 and "JPG" in response.content.decode()
    assert not PublicityAction.objects.exists()


def test_units_see_only_their_own_actions_and_the_office_all(client, world):
    a = _log(world, title="司法局的宣传")
    b = _log(world, unit=world.unit_b, by=world.liaison_b, title="城关镇的宣传")
    client.force_login(world.liaison_a)
    page = client.get("/inspection/publicity/").content.decode()
    assert a.title in page and b.title not in page
    assert client.get(b.get_absolute_url()).status_code == 404
    client.force_login(world.office_staff)
    page = client.get("/inspection/publicity/").content.decode()
    assert a.title in page and b.title in page
    page = client.get(f"/inspection/publicity/?unit={world.unit_b.pk}").content.decode()
    assert a.title not in page and b.title in page


def test_the_office_reads_an_action_but_cannot_edit_it(client, world):
    action = _log(world)
    client.force_login(world.office_admin)
    page = client.get(action.get_absolute_url()).content.decode()
    assert action.url in page and 'name="title"' not in page


def test_the_list_page_query_count_is_flat(client, world, django_assert_max_num_queries):
    client.force_login(world.office_admin)
    for n in range(3):
        _log(world, title=f"宣传{n}")
    with django_assert_max_num_queries(30) as few:
        client.get("/inspection/publicity/")
    for n in range(20):
        _log(world, unit=world.unit_b, by=world.liaison_b, title=f"镇宣传{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/inspection/publicity/")


def test_the_office_sets_a_target_from_the_page(client, world):
    client.force_login(world.office_staff)
    response = client.post(
        "/inspection/publicity/targets/",
        {"unit": world.unit_a.pk, "month": "2026-11", "platform": "wechat", "count": "4"},
    )
    assert response.status_code == 302
    assert PublicityTarget.objects.get().count == 4
    response = client.post(
        "/inspection/publicity/targets/",
        {"unit": world.unit_a.pk, "month": "11/2026", "platform": "wechat", "count": "4"},
    )
    assert response.status_code == 200 and PublicityTarget.objects.get().count == 4
