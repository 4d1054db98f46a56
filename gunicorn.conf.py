"""gunicorn's settings (the image's command and docker-compose use this file: `gunicorn -c
gunicorn.conf.py config.wsgi:application`), read from the environment.

gthread workers: each request has a thread, and the worker's main thread keeps telling the
arbiter it is alive, so a slow client (a photo over a township's link when no proxy buffers)
holds one thread, never a whole worker, and is not killed at `timeout`. Behind nginx
(docker-compose) bodies arrive buffered and this matters less; run without it, it is what
keeps the site answering.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# A worker silent this long is restarted; a request thread is not bounded by it (gthread). The
# slowest synchronous work, a 50 MB upload's checks, takes seconds; nginx waits as long (proxy_read_timeout).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
# nginx keeps connections to us open (upstream keepalive): a little longer than it waits.
keepalive = 75
# Each worker opens its own database connections (CONN_MAX_AGE); restart now and then to hand
# memory back after a large report.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None  # empty: no access log
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or None
