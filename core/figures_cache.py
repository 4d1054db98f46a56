"""Cached figures (the dashboard's, the office home's) and their invalidation: a version
per scope id (a campaign's), bumped after the commit of any change the figures read —
shares, evidence, assessments, escalations. Core knows only the ids; the floors that
change those rows call dashboard_touch(campaign_id)."""

import contextlib
import logging
import uuid

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)


class _CacheDown(Exception):
    pass


def _cache(method, *args):
    """A cache call that may fail: the cache (Redis) being down must cost speed, never a page.
    The backends raise their own connection errors, so any error counts as "down"."""
    try:
        return getattr(cache, method)(*args)
    except Exception as exc:  # redis.ConnectionError, TimeoutError, …: whatever the backend raises
        logger.warning("cache %s failed: %s", method, exc)
        raise _CacheDown from exc


def version_key(campaign_id):
    return f"dashboard-version:{campaign_id}"


def dashboard_version(campaign_id):
    version = _cache("get", version_key(campaign_id))
    if version is None:
        version = uuid.uuid4().hex
        _cache("set", version_key(campaign_id), version, None)
    return version


def _bump(campaign_id):
    # The change is saved; while the cache is down nothing is read from it either. (Figures
    # cached before the outage may show until they expire: at most their time-out.)
    with contextlib.suppress(_CacheDown):
        _cache("set", version_key(campaign_id), uuid.uuid4().hex, None)


def dashboard_touch(campaign_id):
    # After commit: a dashboard computed in between must not be cached under the new version.
    transaction.on_commit(lambda: _bump(campaign_id))


def cached_figures(name, campaign_id, today, compute, seconds):
    """`compute()` for this campaign and day, from the cache while the campaign's version holds;
    computed afresh (slower, still right) while the cache cannot be reached."""
    try:
        key = f"{name}:{campaign_id}:{dashboard_version(campaign_id)}:{today}"
        figures = _cache("get", key)
    except _CacheDown:
        return compute()
    if figures is None:
        figures = compute()
        with contextlib.suppress(_CacheDown):
            _cache("set", key, figures, seconds)
    return figures
