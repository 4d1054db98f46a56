import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from assignments.models import Assignment
from org import permissions
from org.models import Membership, Unit
from org.services import membership_create, membership_end
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _fresh(user):
    # Django and guardian cache permissions on the user object.
    return type(user).objects.get(pk=user.pk)


def test_liaison_scope_holds_only_own_units_assignments(world):
    visible = permissions.restrict(world.liaison_a, permissions.VIEW_UNIT_WORK, Assignment)
    assert set(visible) == {world.shares.a_overdue, world.shares.a_soon, world.shares.a_ongoing}


def test_office_staff_scope_holds_every_assignment(world):
    visible = permissions.restrict(world.office_staff, permissions.VIEW_UNIT_WORK, Assignment)
    assert visible.count() == Assignment.objects.count() == 4


def test_user_without_role_and_anonymous_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not permissions.restrict(world.nobody, permissions.VIEW_UNIT_WORK, Assignment).exists()
    assert not permissions.restrict(AnonymousUser(), permissions.VIEW_UNIT_WORK, Assignment).exists()
    assert not permissions.restrict(world.city_reviewer, permissions.VIEW_UNIT_WORK, Assignment).exists()


def test_scope_on_units_returns_the_members_unit(world):
    assert list(permissions.restrict(world.leader_b, permissions.VIEW_UNIT_WORK, Unit)) == [world.unit_b]


def test_require_outside_scope_is_404(world):
    with pytest.raises(Http404):
        permissions.require(world.liaison_a, Assignment, permissions.VIEW_UNIT_WORK, pk=world.shares.b_lead.pk)


def test_require_malformed_id_is_404(world):
    with pytest.raises(Http404):
        permissions.require(world.liaison_a, Assignment, permissions.VIEW_UNIT_WORK, pk="not-a-uuid")


def test_require_in_scope_without_permission_is_403(world):
    # The leader sees the unit's work but does not contribute evidence: that is the liaison's.
    with pytest.raises(PermissionDenied):
        permissions.require(world.leader_a, Assignment, permissions.CONTRIBUTE_UNIT_WORK, pk=world.shares.a_soon.pk)


def test_require_returns_object_when_permitted(world):
    got = permissions.require(world.liaison_a, Assignment, permissions.CONTRIBUTE_UNIT_WORK, pk=world.shares.a_soon.pk)
    assert got == world.shares.a_soon


def test_office_roles_hold_county_wide_permissions(world):
    assert permissions.can(world.office_staff, permissions.REVIEW_UNIT_WORK, world.shares.b_lead)
    assert not permissions.can(world.office_staff, permissions.MANAGE_CAMPAIGN)
    assert permissions.can(world.office_admin, permissions.MANAGE_CAMPAIGN)
    assert not permissions.can(world.liaison_a, permissions.REVIEW_UNIT_WORK, world.shares.a_soon)


def test_grant_and_revoke_object_permission(world):
    user = UserFactory(username="temp")
    permissions.grant(user, permissions.VIEW_UNIT_WORK, world.unit_b)
    assert permissions.can(_fresh(user), permissions.VIEW_UNIT_WORK, world.shares.b_lead)
    permissions.revoke(user, permissions.VIEW_UNIT_WORK, world.unit_b)
    assert not permissions.can(_fresh(user), permissions.VIEW_UNIT_WORK, world.shares.b_lead)


def test_ending_membership_revokes_its_permissions(world):
    membership = Membership.objects.get(user=world.liaison_a)
    membership_end(membership=membership, by=world.office_admin)
    user = _fresh(world.liaison_a)
    assert not permissions.restrict(user, permissions.VIEW_UNIT_WORK, Assignment).exists()


def test_ending_one_of_two_memberships_keeps_what_the_other_gives(world):
    membership_create(user=world.liaison_a, unit=world.unit_a, role=Membership.Role.UNIT_LEADER)
    membership_end(membership=Membership.objects.get(user=world.liaison_a, role="liaison"))
    user = _fresh(world.liaison_a)
    assert permissions.can(user, permissions.VIEW_UNIT_WORK, world.shares.a_soon)
    assert not permissions.can(user, permissions.CONTRIBUTE_UNIT_WORK, world.shares.a_soon)


def test_inactive_user_has_no_permission(world):
    world.office_admin.is_active = False
    world.office_admin.save()
    user = _fresh(world.office_admin)
    assert not permissions.can(user, permissions.VIEW_AUDIT)
    assert not permissions.restrict(user, permissions.VIEW_UNIT_WORK, Assignment).exists()


def test_membership_grant_is_audited(world):
    from core.models import AuditEvent

    event = AuditEvent.objects.filter(verb="membership_granted", object_id=str(world.liaison_b.pk)).get()
    assert event.after == {"unit": "T01", "role": "liaison"}
    assert event.unit == world.unit_b


def test_require_global_raises_403_without_permission(world):
    with pytest.raises(PermissionDenied):
        permissions.require_global(world.office_staff, permissions.VIEW_AUDIT)
    permissions.require_global(world.office_admin, permissions.VIEW_AUDIT)
