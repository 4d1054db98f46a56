"""Writing the audit trail. Services call audit_record(); nothing else writes AuditEvent."""

import datetime
import decimal
import uuid

from axes.helpers import get_client_ip_address
from django.db.models import Model

from .models import KEY_VALUE_LABELS, KEY_VALUE_LOOKUPS, AuditEvent


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


def audit_record(*, actor, verb, obj=None, before=None, after=None, unit=None, request=None, object_repr=""):
    """Append one event. `obj` may be a model instance or None (e.g. a failed login)."""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = str(obj.pk)
        object_repr = object_repr or str(obj)
    else:
        object_type, object_id = "", ""
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_name=(actor.get_username() if is_user else "")[:150],
        verb=verb,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:255],
        unit=unit,
        before=before or {},
        after=after or {},
        ip_address=_client_ip(request),
    )
