"""Helpers shared by the benchmarks that run child processes and real servers."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SESSION_SCRIPT = """
import sys, django; django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from core.models import User
from core.security import second_factor_required
for name in sys.argv[1:]:
    user = User.objects.get(username=name)
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk); s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"; s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if second_factor_required(user):  # production asks the office for its code: a session past that step
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
        s[DEVICE_ID_SESSION_KEY] = device.persistent_id
    s.create()
    print(s.session_key)
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answers on port {port}")


def migrate_and_load_demo(env):
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, "manage.py", "load_demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def demo_env(work, **extra):
    """The environment of child processes on their own SQLite database under `work`
    (embedded broker, no Redis), migrated and with the demo county loaded."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "VAR_DIR": str(work),
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        **extra,
    }
    env.pop("REDIS_URL", None)
    migrate_and_load_demo(env)
    return env


def write_random_file(path, mb, header=b"%PDF-1.4\n", block=None):
    """`header` then `mb` MiB of random bytes (incompressible, like photos and scans)."""
    block = block or os.urandom(1 << 20)
    with open(path, "wb") as fh:
        fh.write(header)
        for _ in range(mb):
            fh.write(block)


@contextlib.contextmanager
def gunicorn(env, *options):
    """gunicorn on a free loopback port until the block ends; yields (port, process)."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            *options,
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for_port(port)
        yield port, server
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


BIG_EVIDENCE = """
import sys, django; django.setup()
from assignments.models import Assignment
from evidence.models import Evidence, EvidenceRevision
files, mb = int(sys.argv[1]), int(sys.argv[2])
shares = list(Assignment.objects.filter(unit__code="D16").order_by("indicator__code")[:20])
for n in range(files):
    share = shares[n % len(shares)]
    e = Evidence.objects.create(assignment=share, campaign_id=share.campaign_id, kind="document", title=f"大文件{n}", review_status="accepted")
    r = EvidenceRevision.objects.create(evidence=e, number=1, file=f"evidence/big{n:02d}.pdf", original_name=f"大文件{n}.pdf",
                                        content_type="application/pdf", size=mb * 1024 * 1024, sha256=f"{n:064d}")
    e.current_revision = r
    e.save(update_fields=["current_revision"])
"""


def big_evidence(work, env, files, mb):
    """`files` accepted documents of `mb` MiB of random bytes each, on the demo's 县司法局 tasks,
    stored under work/media/evidence (the package and fault benchmarks)."""
    block = os.urandom(1 << 20)
    for n in range(files):
        write_random_file(
            work / "media" / "evidence" / f"big{n:02d}.pdf",
            mb,
            header=b"%PDF-1.4\n" + n.to_bytes(4, "big"),
            block=block,
        )
    subprocess.run([sys.executable, "-c", BIG_EVIDENCE, str(files), str(mb)], cwd=ROOT, env=env, check=True)


def nginx_config(work, upstream_port, listen_port, body_mb=210):
    """deploy/nginx.conf.template rendered as docker-compose's nginx renders it (its ${NAMES} only),
    wrapped in the few lines Debian's nginx needs to run unprivileged from `work`."""
    import re

    values = {
        "UPSTREAM": f"127.0.0.1:{upstream_port}",
        "LISTEN": f"127.0.0.1:{listen_port}",
        "CLIENT_MAX_BODY_MB": str(body_mb),
    }
    server = re.sub(
        r"\$\{(\w+)\}",
        lambda m: values.get(m.group(1), m.group(0)),
        (ROOT / "deploy" / "nginx.conf.template").read_text(),
    )
    work.mkdir(parents=True, exist_ok=True)
    temp = work / "temp"
    temp.mkdir(exist_ok=True)
    conf = work / "nginx.conf"
    conf.write_text(
        f"""daemon off;
worker_processes 1;
pid {work / "nginx.pid"};
error_log {work / "error.log"} warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{server}
}}
"""
    )
    return conf


@contextlib.contextmanager
def nginx(work, upstream_port, body_mb=210):
    """Debian's nginx on a free loopback port in front of `upstream_port` until the block ends; yields its port."""
    port = free_port()
    conf = nginx_config(work, upstream_port, port, body_mb)
    server = subprocess.Popen(["nginx", "-c", str(conf), "-e", str(work / "error.log")])
    try:
        wait_for_port(port)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
