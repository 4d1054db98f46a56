"""Cached figures (the dashboard's, the office home's) and their invalidation: a version
per scope id (a campaign's), bumped after the commit of any change the figures read —
shares, evidence, assessments, escalations. Core knows only the ids; the floors that
change those rows call dashboard_touch(campaign_id)."""

import uuid

from django.core.cache import cache
from django.db import transaction


def version_key(campaign_id):
    return f"dashboard-version:{campaign_id}"


def dashboard_version(campaign_id):
    version = cache.get(version_key(campaign_id))
    if version is None:
        version = uuid.uuid4().hex
        cache.set(version_key(campaign_id), version, None)
    return version


def dashboard_touch(campaign_id):
    # After commit: a dashboard computed in between must not be cached under the new version.
    transaction.on_commit(lambda: cache.set(version_key(campaign_id), uuid.uuid4().hex, None))


def cached_figures(name, campaign_id, today, compute, seconds):
    """`compute()` for this campaign and day, from the cache while the campaign's version holds."""
    key = f"{name}:{campaign_id}:{dashboard_version(campaign_id)}:{today}"
    figures = cache.get(key)
    if figures is None:
        figures = compute()
        cache.set(key, figures, seconds)
    return figures
