"""Writing the audit trail. Services call audit_record(); nothing else writes AuditEvent."""

import datetime
import decimal
import hashlib
import json
import uuid

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from .models import KEY_VALUE_LABELS, KEY_VALUE_LOOKUPS, AuditEvent

# pg_advisory_xact_lock key for appending to the chain (any constant; "audit" in ASCII).
CHAIN_LOCK_KEY = 0x6175646974
# The trigger (migration core 0008) lets a DELETE through only inside a transaction that set
# this, and only for rows older than the legal floor it carries itself.
PURGE_SETTING = "fazhi.audit_purge"
RETENTION_FLOOR_DAYS = 180  # 网络安全法 §21: logs kept at least six months


def register_value_labels(key, choices):
    """Show the codes a payload key carries (e.g. "role") by these labels on the audit page."""
    KEY_VALUE_LABELS[key] = dict(choices)


def register_value_lookup(keys, lookup):
    """Show the codes some payload keys carry (unit codes under "unit", "lead", ...) by names
    that live in rows: `lookup(codes)` returns {code: label}, called once per page of events."""
    for key in keys:
        KEY_VALUE_LOOKUPS[key] = lookup


def audit_label_events(events):
    """Give a page of events the row-held labels of their codes, one lookup per registered
    loader (not one per event). change_rows() then shows 单位 司法局, not 单位 T02."""
    events = list(events)
    wanted = {}
    for e in events:
        for payload in (e.before, e.after):
            for key, value in payload.items():
                if key in KEY_VALUE_LOOKUPS:
                    values = value if isinstance(value, list) else [value]
                    wanted.setdefault(KEY_VALUE_LOOKUPS[key], set()).update(
                        v for v in values if isinstance(v, str) and v
                    )
    labels = {}
    for lookup, codes in wanted.items():
        labels[lookup] = lookup(codes) if codes else {}
    for e in events:
        e.looked_up_labels = {key: labels.get(lookup, {}) for key, lookup in KEY_VALUE_LOOKUPS.items()}
    return events


def _jsonable(value):
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, (datetime.date, datetime.datetime, uuid.UUID, decimal.Decimal)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj, fields):
    """The current values of `fields` on `obj`, as JSON-ready data."""
    return {f: _jsonable(getattr(obj, f)) for f in fields}


def changed(before, after):
    """Keep only the keys whose values differ, as (before, after) dicts."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def _client_ip(request):
    if request is None:
        return None
    # The address the login lockout uses (django-axes with django-ipware): REMOTE_ADDR, or
    # behind TRUSTED_PROXY_COUNT proxies the address they forwarded — never a header the
    # client alone could forge.
    return get_client_ip_address(request) or None


def _canonical_time(at):
    # Milliseconds: dumpdata (the backup) keeps no more, and a restored trail must verify.
    at = at.astimezone(datetime.UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def event_hash(event, prev_hash):
    """SHA-256 over the previous event's hash and this event's fields, in a canonical form.

    The actor is hashed by name (actor_name), not by key: a backup restores people by user
    name (natural keys) and their keys may change; the name is what the trail shows."""
    body = {
        "at": _canonical_time(event.at),
        "actor_name": event.actor_name,
        "verb": event.verb,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "unit": str(event.unit_id) if event.unit_id else "",
        "before": event.before,
        "after": event.after,
        "ip": event.ip_address or "",
    }
    text = prev_hash + json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _lock_chain():
    """Serialise appends until the transaction ends, so two writers never take the same
    previous hash (the chain would fork). PostgreSQL: a transaction-scoped advisory lock.
    SQLite allows one writer at a time anyway (the embedded, single-machine default)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def audit_record(*, actor, verb, obj=None, before=None, after=None, unit=None, request=None, object_repr=""):
    """Append one event. `obj` may be a model instance or None (e.g. a failed login)."""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = str(obj.pk)
        object_repr = object_repr or str(obj)
    else:
        object_type, object_id = "", ""
    event = AuditEvent(
        at=timezone.now(),
        actor=actor if is_user else None,
        actor_name=(actor.get_username() if is_user else "")[:150],
        verb=verb,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:255],
        unit=unit,
        before=_jsonable_dict(before),
        after=_jsonable_dict(after),
        ip_address=_client_ip(request),
    )
    # No savepoint: the lock lasts until the caller's transaction ends anyway.
    with transaction.atomic(savepoint=False):
        _lock_chain()
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event.prev_hash = last or ""
        event.hash = event_hash(event, event.prev_hash)
        event.save(force_insert=True)
    return event


def audited_update(*, obj, fields, values, by, object_repr=""):
    """Set those of `values` that are `fields` on `obj`, validate, save, and audit what changed
    (before and after of the changed fields only; nothing when nothing changed). For the rows
    people edit as a form of texts (a campaign's report texts, its single-item narrative)."""
    before = snapshot(obj, fields)
    for name in fields:
        if name in values:
            setattr(obj, name, values[name])
    obj.full_clean()
    obj.save()
    old, new = changed(before, snapshot(obj, fields))
    if new:
        audit_record(actor=by, verb="updated", obj=obj, object_repr=object_repr, before=old, after=new)
    return obj


def _jsonable_dict(data):
    # What the database gives back (JSON), so the hash computed now is the hash verified later.
    return json.loads(json.dumps(data or {}, default=str))


def verify_chain(events=None):
    """Walk the trail in order. Returns (checked, first_broken) where first_broken is None or
    (event id, reason)."""
    events = events if events is not None else AuditEvent.objects.order_by("id")
    prev = ""
    checked = 0
    for event in events.iterator(chunk_size=2000):
        # The first event may follow purged ones: it names a hash we no longer hold.
        if event.prev_hash != prev and not (checked == 0 and event.prev_hash):
            return checked, (event.id, "prev_hash")
        if event_hash(event, event.prev_hash) != event.hash:
            return checked, (event.id, "hash")
        prev = event.hash
        checked += 1
    return checked, None


def audit_purge(*, before, by=None):
    """Delete events older than `before`, which must lie past AUDIT_RETENTION_DAYS (and the
    trigger's own six-month floor). The purge is itself recorded. Returns the count."""
    limit = timezone.now() - datetime.timedelta(days=max(settings.AUDIT_RETENTION_DAYS, RETENTION_FLOOR_DAYS))
    if before > limit:
        raise ValueError(f"refused: events younger than {settings.AUDIT_RETENTION_DAYS} days are kept")
    with transaction.atomic():
        _lock_chain()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config(%s, 'on', true)", [PURGE_SETTING])
            # Raw SQL: the ORM refuses deletes of the trail (AuditEventQuerySet).
            cursor.execute("DELETE FROM core_auditevent WHERE at < %s", [before])
            count = cursor.rowcount
        audit_record(actor=by, verb="audit_purged", after={"older_than": before.isoformat(), "count": count})
    return count
