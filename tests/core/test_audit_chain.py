"""The audit trail is append-only and tamper-evident: a hash chain, refused UPDATE/DELETE (ORM and,
on PostgreSQL, a trigger), a retention floor on purging."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from core.audit import audit_purge, audit_record, event_hash, verify_chain
from core.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")


def _events(user, n=3):
    return [audit_record(actor=user, verb="updated", obj=user, after={"n": i, "名": "张三"}) for i in range(n)]


def test_each_event_carries_the_hash_of_the_one_before(world):
    first, second, third = _events(world.office_admin)
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    stored = AuditEvent.objects.get(pk=third.pk)
    assert stored.hash == event_hash(stored, stored.prev_hash)
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "intact" in out.getvalue()


def test_the_orm_refuses_to_change_or_delete_an_event(world):
    event = _events(world.office_admin, 1)[0]
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(verb="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.verb = "x"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


@postgres_only
def test_the_trigger_refuses_raw_update_and_delete(world):
    event = _events(world.office_admin, 1)[0]
    for sql in ("UPDATE core_auditevent SET verb = 'x' WHERE id = %s", "DELETE FROM core_auditevent WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
            c.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).verb == "updated"


@postgres_only
def test_a_row_altered_with_the_trigger_off_is_named_by_verify_audit(world):
    events = _events(world.office_admin, 4)
    with connection.cursor() as c:
        c.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        c.execute("UPDATE core_auditevent SET after = '{\"n\": 99}' WHERE id = %s", [events[2].pk])
        c.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")
    checked, broken = verify_chain()
    assert broken == (events[2].pk, "hash")
    with pytest.raises(CommandError, match=f"event {events[2].pk}"):
        call_command("verify_audit")


@postgres_only
def test_a_removed_row_breaks_the_link_after_it(world):
    events = _events(world.office_admin, 3)
    with connection.cursor() as c:
        c.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        c.execute("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
        c.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")
    assert verify_chain()[1] == (events[2].pk, "prev_hash")


def test_purge_refuses_anything_younger_than_the_retention(world, settings):
    _events(world.office_admin, 2)
    count = AuditEvent.objects.count()
    with pytest.raises(ValueError, match="younger"):
        audit_purge(before=timezone.now() - datetime.timedelta(days=settings.AUDIT_RETENTION_DAYS - 1))
    with pytest.raises(CommandError, match="Refused"):
        call_command("purge_audit", "--days", "30")
    assert AuditEvent.objects.count() == count


def test_purge_deletes_only_old_events_and_records_itself(world, settings):
    # Start from an empty trail, then events of last year written as they would have been then.
    with connection.cursor() as c:
        if connection.vendor == "postgresql":
            c.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        c.execute("DELETE FROM core_auditevent")
        if connection.vendor == "postgresql":
            c.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")
    long_ago = timezone.now() - datetime.timedelta(days=400)
    for i in range(2):
        event = AuditEvent(at=long_ago, verb="updated", object_type="core.user", after={"n": i})
        event.prev_hash = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or ""
        event.hash = event_hash(event, event.prev_hash)
        event.save(force_insert=True)
    recent = _events(world.office_admin, 1)[0]
    out = io.StringIO()
    call_command("purge_audit", stdout=out)
    assert "Purged 2" in out.getvalue()
    assert set(AuditEvent.objects.values_list("verb", flat=True)) == {"updated", "audit_purged"}
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    assert verify_chain()[1] is None  # the first kept event follows purged ones: still a chain


def test_security_events_are_recorded(client, world, settings):
    client.post("/accounts/login/", {"username": "liaison-a", "password": "wrong"})
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "liaison-a", "password": "wrong"})
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"login_failed", "login_locked", "membership_granted"} <= verbs


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    """Four threads (four connections) append at once; the advisory lock keeps one chain."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(4)
    errors = []

    def write(n):
        try:
            barrier.wait()
            for i in range(15):
                with transaction.atomic():
                    audit_record(actor=None, verb="updated", object_repr=f"w{n}-{i}")
        except Exception as exc:  # reported below: a thread's failure must fail the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AuditEvent.objects.filter(object_repr__startswith="w").count() == 60
    hashes = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(hashes) == len(set(hashes))  # no two events follow the same one
    assert verify_chain()[1] is None
