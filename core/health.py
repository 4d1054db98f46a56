"""Health probes for /healthz: the database and the Celery broker."""

import os

from django.conf import settings
from django.db import connection
from kombu import Connection


def database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any driver error means "down" to a probe
        return False


def broker_ok(timeout=2.0):
    # The broker as the settings name it (the CELERY_ namespace Celery reads): core
    # stays below config and does not import the Celery app.
    url = getattr(settings, "CELERY_BROKER_URL", "") or ""
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    if url.startswith("filesystem"):
        # The filesystem transport "connects" to anything; what matters is that
        # the queue folder exists and the worker and web process can write it.
        folder = options.get("data_folder_in", "")
        return bool(folder) and os.path.isdir(folder) and os.access(folder, os.W_OK)
    try:
        with Connection(url, transport_options=options, connect_timeout=timeout) as conn:
            conn.ensure_connection(max_retries=1, timeout=timeout)
            return True
    except Exception:  # refused, timed out, bad auth: all "down"
        return False


def health_status():
    status = {"database": database_ok(), "broker": broker_ok()}
    return status, all(status.values())
