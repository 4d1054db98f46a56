import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
HOME = "/"


def test_anonymous_is_sent_to_login(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_liaison_sees_own_units_tasks_grouped_with_overdue_in_red(client, world):
    client.force_login(world.liaison_a)
    response = client.get(HOME)
    assert response.status_code == 200
    body = response.content.decode()
    assert "我的任务" in body
    groups = response.context["groups"]
    assert [a.pk for a in groups["overdue"]] == [world.shares.a_overdue.pk]
    assert [a.pk for a in groups["due_soon"]] == [world.shares.a_soon.pk]
    assert [a.pk for a in groups["ongoing"]] == [world.shares.a_ongoing.pk]
    assert "已逾期 3 天" in body
    assert "task-overdue" in body


def test_liaison_never_sees_another_units_tasks(client, world):
    client.force_login(world.liaison_b)
    response = client.get(HOME)
    shown = [a.pk for group in response.context["groups"].values() for a in group]
    assert shown == [world.shares.b_lead.pk]


def test_unit_leader_sees_own_units_tasks(client, world):
    client.force_login(world.leader_a)
    response = client.get(HOME)
    shown = {a.pk for group in response.context["groups"].values() for a in group}
    assert shown == {world.shares.a_overdue.pk, world.shares.a_soon.pk, world.shares.a_ongoing.pk}


def test_office_sees_county_overview_with_overdue_units(client, world):
    client.force_login(world.office_staff)
    response = client.get(HOME)
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary["total"], summary["overdue"], summary["due_soon"], summary["ongoing"]) == (4, 1, 1, 1)
    assert [(u.code, u.overdue) for u in response.context["ranking"]] == [("D16", 1)]
    assert "逾期" in response.content.decode()


def test_office_overview_is_cached_until_a_share_changes_or_is_escalated(
    client, world, settings, django_capture_on_commit_callbacks
):
    """The figures come from the cache between changes; a transition or an escalation
    (after commit) brings fresh ones."""
    import datetime

    from django.utils import timezone

    from assignments.models import Assignment
    from assignments.reminders import reminders_send
    from assignments.services import assignment_transition

    client.force_login(world.office_staff)
    assert client.get(HOME).context["summary"]["submitted"] == 0
    Assignment.objects.filter(pk=world.shares.b_lead.pk).update(status="submitted")  # behind the services' back
    assert client.get(HOME).context["summary"]["submitted"] == 0  # still the cached figures
    Assignment.objects.filter(pk=world.shares.b_lead.pk).update(status="not_started")
    with django_capture_on_commit_callbacks(execute=True):
        assignment_transition(assignment=world.shares.a_soon, to_status="submitted", by=world.liaison_a)
    assert client.get(HOME).context["summary"]["submitted"] == 1
    assert client.get(HOME).context["summary"]["escalated"] == 0
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(today=timezone.localdate() + datetime.timedelta(days=settings.ESCALATION_DAYS))
    assert client.get(HOME).context["summary"]["escalated"] == 1


def test_city_reviewer_home_is_the_submissions_inbox(client, world):
    client.force_login(world.city_reviewer)
    response = client.get(HOME)
    assert response.status_code == 200
    assert "portal/home_city.html" in [t.name for t in response.templates]
    assert "县司法局" not in response.content.decode()
    # The city has no rectification items of its own: no link to an empty page.
    labels = [str(label) for label, _url in response.context["nav_items"] + response.context["nav_more"]]
    assert labels == ["首页", "市级工作台", "报送材料", "指标体系", "创建活动"]
    assert reverse("assessment:rectifications") not in response.content.decode()


def test_user_without_role_is_told_to_ask_the_office(client, world):
    client.force_login(world.nobody)
    response = client.get(HOME)
    assert "尚未加入任何单位" in response.content.decode()


def test_superuser_home_links_to_administration(client, world):
    client.force_login(world.superuser)
    response = client.get(HOME)
    assert reverse("admin:index") in response.content.decode()


def test_liaison_home_query_count_does_not_grow_with_tasks(client, world, django_assert_max_num_queries):
    from assignments.models import Assignment
    from tests.factories import make_assignment

    client.force_login(world.liaison_a)
    with django_assert_max_num_queries(14) as small:
        client.get(HOME)
    # Ten more shares for the same unit must not add queries (no N+1 on indicator/parent/unit).
    for indicator in _more_indicators(world.campaign.framework, 10):
        make_assignment(world.campaign, indicator, world.unit_a, Assignment.Role.COOPERATING, days=40)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(HOME)


def _more_indicators(framework, n):
    from indicators.models import Indicator

    mid = Indicator.objects.get(framework=framework, code="1.1")
    return [
        Indicator.objects.create(
            framework=framework, parent=mid, level=3, code=f"1.1.{i}", position=i, title=f"追加{i}"
        )
        for i in range(10, 10 + n)
    ]


def test_office_home_query_count(client, world, django_assert_max_num_queries):
    client.force_login(world.office_admin)
    with django_assert_max_num_queries(14):
        client.get(HOME)


@pytest.mark.parametrize(
    "persona, says, never",
    [
        ("liaison_a", "县委依法治县办", "本市依法治市办"),
        ("office_staff", "县委依法治县办", "本市依法治市办"),
        ("city_reviewer", "本市依法治市办", "县委依法治县办"),
    ],
)
def test_the_403_page_names_whom_to_ask_by_the_users_role(client, world, persona, says, never):
    client.force_login(getattr(world, persona))
    response = client.get(reverse("org:people"))
    assert response.status_code == 403
    body = response.content.decode()
    assert says in body and never not in body


def test_the_admin_shows_login_protection_in_chinese(client, world):
    client.force_login(world.superuser)
    body = client.get("/admin/").content.decode()
    assert "登录保护" in body and "登录尝试" in body and "Axes" not in body and "Access attempts" not in body
