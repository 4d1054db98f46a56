"""People management by the office admin: accounts, roles, switching off, temporary passwords."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent, User
from org import permissions
from org.models import Membership
from org.services import person_create, person_grant, person_reset_password, person_revoke, person_set_active

pytestmark = pytest.mark.django_db


def _signs_in(username, password, client=None):
    """Through the login page (django-axes wants the request)."""
    client = client or Client()
    client.post(reverse("login"), {"username": username, "password": password})
    response = client.get("/")
    return response.status_code == 200 or response["Location"] == reverse("password_change")


def test_office_admin_adds_a_liaison_who_signs_in_and_sees_the_units_tasks(client, world):
    client.force_login(world.office_admin)
    response = client.post(
        reverse("org:person_new"),
        {"full_name": "王五", "username": "wangwu-ccz", "unit": world.unit_b.pk, "role": "liaison"},
    )
    assert response.status_code == 200
    password = response.context["password"]
    assert password in response.content.decode() and "只显示这一次" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    person = User.objects.get(username="wangwu-ccz")
    assert person.full_name == "王五" and list(person.memberships.values_list("unit__code", "role")) == [
        ("T01", "liaison")
    ]
    assert not person.check_password("") and person.password != password  # stored hashed only
    other = Client()
    assert _signs_in("wangwu-ccz", password, other)
    # A temporary password: every page leads to the password form until they choose their own.
    response = other.get(reverse("assignments:detail", args=[world.shares.b_lead.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("password_change") and "临时密码" in response.content.decode()
    other.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "Chengguan-2026-ok", "new_password2": "Chengguan-2026-ok"},
    )
    assert not User.objects.get(pk=person.pk).must_change_password
    assert world.shares.b_lead.indicator.code in other.get("/").content.decode()
    verbs = list(AuditEvent.objects.filter(actor=world.office_admin).values_list("verb", flat=True))
    assert "created" in verbs and "membership_granted" in verbs


def test_a_taken_user_name_or_a_wrong_role_writes_nothing(world):
    before = User.objects.count()
    with pytest.raises(ValidationError, match="LIAISON-A"):
        person_create(by=world.office_admin, username="LIAISON-A", full_name="重名", unit=world.unit_a, role="liaison")
    with pytest.raises(ValidationError):  # an office role in a department
        person_create(by=world.office_admin, username="x1", full_name="甲", unit=world.unit_a, role="office_staff")
    with pytest.raises(ValidationError):  # the city's reviewers are set up by IT
        person_create(by=world.office_admin, username="x2", full_name="乙", unit=world.city, role="city_reviewer")
    assert User.objects.count() == before


def test_only_office_admins_manage_people(world):
    for actor in (world.office_staff, world.leader_a, world.liaison_a, world.city_reviewer, world.nobody):
        with pytest.raises(PermissionDenied):
            person_create(by=actor, username="y", full_name="丙", unit=world.unit_a, role="liaison")
        with pytest.raises(PermissionDenied):
            person_reset_password(by=actor, person=world.liaison_b)


def test_it_and_city_accounts_are_out_of_the_offices_reach(client, world):
    client.force_login(world.office_admin)
    for person in (world.superuser, world.city_reviewer):
        assert client.get(reverse("org:person", args=[person.pk])).status_code == 404
        assert client.post(reverse("org:person_active", args=[person.pk]), {"active": "0"}).status_code == 404
        with pytest.raises(PermissionDenied):
            person_set_active(by=world.office_admin, person=person, active=False)
    names = {p.username for p in client.get(reverse("org:people")).context["page"]}
    assert (
        world.liaison_a.username in names
        and world.superuser.username not in names
        and world.city_reviewer.username not in names
    )


def test_switching_off_ends_sign_in_and_sessions_and_keeps_the_history(world):
    liaison = Client()
    liaison.force_login(world.liaison_a)
    assert liaison.get("/").status_code == 200
    person_set_active(by=world.office_admin, person=world.liaison_a, active=False)
    assert liaison.get("/").status_code == 302  # signed out on the next request
    assert not _signs_in("liaison-a", "correct-horse-battery")
    assert AuditEvent.objects.filter(
        verb="updated", object_id=str(world.liaison_a.pk), after={"is_active": False}
    ).exists()
    person_set_active(by=world.office_admin, person=world.liaison_a, active=True)
    assert _signs_in("liaison-a", "correct-horse-battery")


def test_nobody_switches_off_their_own_account_or_own_admin_role(world):
    with pytest.raises(ValidationError):
        person_set_active(by=world.office_admin, person=world.office_admin, active=False)
    with pytest.raises(ValidationError):
        person_revoke(by=world.office_admin, membership=world.office_admin.memberships.get())
    assert User.objects.get(pk=world.office_admin.pk).is_active


def test_a_new_temporary_password_replaces_the_old_one(world):
    liaison = Client()
    liaison.force_login(world.liaison_a)
    office = Client()
    office.force_login(world.office_admin)
    assert "no-store" in office.post(reverse("org:person_password", args=[world.liaison_b.pk]))["Cache-Control"]
    password = person_reset_password(by=world.office_admin, person=world.liaison_a)
    assert User.objects.get(pk=world.liaison_a.pk).must_change_password
    assert _signs_in("liaison-a", password) and not _signs_in("liaison-a", "correct-horse-battery")
    assert liaison.get("/").status_code == 302  # the old session ends with the old password
    assert AuditEvent.objects.filter(verb="password_reset", object_id=str(world.liaison_a.pk)).exists()


def test_roles_given_and_ended_change_what_the_person_sees(world):
    assert not permissions.can(world.liaison_a, permissions.VIEW_UNIT_WORK, world.shares.b_lead)
    membership = person_grant(by=world.office_admin, person=world.liaison_a, unit=world.unit_b, role="liaison")
    assert permissions.can(world.liaison_a, permissions.VIEW_UNIT_WORK, world.shares.b_lead)
    with pytest.raises(ValidationError):
        person_grant(by=world.office_admin, person=world.liaison_a, unit=world.unit_b, role="liaison")
    person_revoke(by=world.office_admin, membership=membership)
    user = User.objects.get(pk=world.liaison_a.pk)  # fresh: permission caches are per instance
    assert not permissions.can(user, permissions.VIEW_UNIT_WORK, world.shares.b_lead)
    assert permissions.can(user, permissions.VIEW_UNIT_WORK, world.shares.a_soon)


def test_detail_page_lists_roles_and_the_forms(client, world):
    client.force_login(world.office_admin)
    body = client.get(reverse("org:person", args=[world.liaison_a.pk])).content.decode()
    assert "县司法局 · 联络员" in body and "结束此角色" in body and "签发新的临时密码" in body and "停用账号" in body
    own = client.get(reverse("org:person", args=[world.office_admin.pk])).content.decode()
    assert "停用账号" not in own


def test_role_groups_follow_the_code_after_migrate(world):
    """A permission added to a role reaches existing holders: the groups are synced after migrate."""
    group = Group.objects.get(name="role:office_admin")
    group.permissions.clear()
    permissions.sync_role_groups()
    admin = User.objects.get(pk=world.office_admin.pk)
    assert permissions.can(admin, permissions.MANAGE_PEOPLE)
    assert set(Membership.Role.values) >= set(permissions.GRANTABLE_ROLES)


def test_add_a_person_from_a_filtered_list_starts_with_that_unit(client, world):
    client.force_login(world.office_admin)
    form = client.get(reverse("org:person_new"), {"unit": "T01"}).context["form"]
    assert form["unit"].value() == world.unit_b.pk and form["role"].value() == "liaison"


def test_two_admins_adding_the_same_name_at_once_get_a_message_not_an_error(world, monkeypatch):
    """The name check passed for both; the database's unique index decides, and the loser is told."""
    from django.db import IntegrityError

    def collide(self, *args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(User, "save", collide)
    with pytest.raises(ValidationError, match="zhaoliu"):
        person_create(by=world.office_admin, username="zhaoliu", full_name="赵六", unit=world.unit_b, role="liaison")
    assert not Membership.objects.filter(user__username="zhaoliu").exists()


def test_people_list_queries_do_not_grow_with_people(client, world, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.office_admin)
    client.get(reverse("org:people"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("org:people"))
    for n in range(20):
        person_create(
            by=world.office_admin, username=f"extra-{n}", full_name=f"人员{n}", unit=world.unit_b, role="liaison"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("org:people"))
    assert (
        response.context["page"].paginator.count == 7 + 20
    )  # the world's seven county accounts (not IT, not the city)
