"""The task workflow's transition table, by role, and the lead/cooperating roll-up."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assignments.models import Assignment, AssignmentEvent
from assignments.selectors import assignment_rollup
from assignments.services import TRANSITIONS, assignment_transition
from core.models import Notification

pytestmark = pytest.mark.django_db
S = Assignment.Status
ALL = list(S)
LIAISON_MOVES = {k for k, perm in TRANSITIONS.items() if perm.endswith("contribute_unit_work")}
OFFICE_MOVES = {k for k, perm in TRANSITIONS.items() if perm.endswith("review_unit_work")}


def _at(share, status):
    Assignment.objects.filter(pk=share.pk).update(status=status)
    share.refresh_from_db()
    return share


@pytest.mark.parametrize("frm", ALL)
@pytest.mark.parametrize("to", ALL)
@pytest.mark.parametrize(
    "persona", ["liaison_a", "leader_a", "office_staff", "office_admin", "liaison_b", "city_reviewer"]
)
def test_every_move_by_every_role(world, frm, to, persona):
    share = _at(world.shares.a_soon, frm)
    user = getattr(world, persona)
    allowed = (persona == "liaison_a" and (frm, to) in LIAISON_MOVES) or (
        persona in ("office_staff", "office_admin") and (frm, to) in OFFICE_MOVES
    )
    try:
        assignment_transition(assignment=share, to_status=to, by=user, comment="请补充材料")
    except (ValidationError, PermissionDenied) as exc:
        assert not allowed, exc
        if (frm, to) in TRANSITIONS:
            assert isinstance(exc, PermissionDenied)
        share.refresh_from_db()
        assert share.status == frm
    else:
        assert allowed
        share.refresh_from_db()
        assert share.status == to
        assert AssignmentEvent.objects.filter(assignment=share, from_status=frm, to_status=to, by=user).exists()


def test_return_without_comment_is_refused(world):
    share = _at(world.shares.a_soon, S.SUBMITTED)
    with pytest.raises(ValidationError, match="why|退回"):
        assignment_transition(assignment=share, to_status=S.RETURNED, by=world.office_staff, comment="  ")


def test_return_notifies_the_unit_with_the_comment(world):
    share = _at(world.shares.a_soon, S.SUBMITTED)
    assignment_transition(
        assignment=share, to_status=S.RETURNED, by=world.office_staff, comment="照片不清晰，请重新上传"
    )
    notes = Notification.objects.filter(recipient__in=[world.liaison_a, world.leader_a])
    assert notes.count() == 2 and all(n.body == "照片不清晰，请重新上传" for n in notes)
    assert not Notification.objects.filter(recipient=world.liaison_b).exists()


def test_stale_status_loses_the_race(world):
    share = _at(world.shares.a_soon, S.SUBMITTED)
    stale = Assignment.objects.get(pk=share.pk)
    assignment_transition(assignment=share, to_status=S.ACCEPTED, by=world.office_staff)
    with pytest.raises(ValidationError):
        assignment_transition(assignment=stale, to_status=S.RETURNED, by=world.office_admin, comment="x")
    assert Assignment.objects.get(pk=share.pk).status == S.ACCEPTED


def test_lead_is_complete_only_when_every_share_is_accepted(world):
    from tests.factories import make_assignment

    lead = world.shares.b_lead  # 1.1.2, led by unit B; unit A cooperates (a_soon)
    rollup = assignment_rollup(lead)
    assert rollup["total"] == 2 and not rollup["complete"]
    _at(lead, S.ACCEPTED)
    assert not assignment_rollup(lead)["complete"]
    _at(world.shares.a_soon, S.ACCEPTED)
    assert assignment_rollup(lead)["complete"]
    make_assignment(world.campaign, lead.indicator, world.office, Assignment.Role.COOPERATING)
    assert not assignment_rollup(lead)["complete"]


def test_submitting_lifts_an_escalation(world):
    from django.utils import timezone

    share = world.shares.a_overdue
    Assignment.objects.filter(pk=share.pk).update(escalated_at=timezone.now())
    share.refresh_from_db()
    assignment_transition(assignment=share, to_status=S.SUBMITTED, by=world.liaison_a)
    share.refresh_from_db()
    assert share.escalated_at is None


def test_the_unit_leader_signs_off_a_submission_once_and_a_new_submission_needs_a_new_sign_off(world):
    from django.core.exceptions import PermissionDenied, ValidationError

    from assignments.services import assignment_sign_off
    from core.models import AuditEvent, Notification

    share = world.shares.a_overdue
    with pytest.raises(ValidationError):  # nothing submitted yet
        assignment_sign_off(assignment=share, by=world.leader_a)
    assignment_transition(assignment=share, to_status="submitted", by=world.liaison_a)
    assert Notification.objects.filter(recipient=world.leader_a, title__contains="待审签").exists()
    for other in (world.liaison_a, world.office_admin, world.leader_b):
        with pytest.raises(PermissionDenied):
            assignment_sign_off(assignment=share, by=other)
    assignment_sign_off(assignment=share, by=world.leader_a)
    share.refresh_from_db()
    assert share.signed_off_by == world.leader_a and share.signed_off_at is not None
    assert AuditEvent.objects.filter(verb="signed_off", object_id=str(share.pk), unit=world.unit_a).exists()
    with pytest.raises(ValidationError):
        assignment_sign_off(assignment=share, by=world.leader_a)
    assignment_transition(assignment=share, to_status="returned", by=world.office_staff, comment="缺少会议纪要")
    share.refresh_from_db()
    assert share.signed_off_at is None and share.signed_off_by is None
    assignment_transition(assignment=share, to_status="submitted", by=world.liaison_a)
    assignment_sign_off(assignment=share, by=world.leader_a)
    assignment_transition(assignment=share, to_status="accepted", by=world.office_staff)
    share.refresh_from_db()
    assert share.status == "accepted" and share.signed_off_by == world.leader_a  # kept with the accepted work
