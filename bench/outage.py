"""Broker outage: the project's own Redis (started here on a free port, never the machine's)
is stopped while a liaison uploads photos and the office compiles a workbook, then started
again. Counted: answers of 500 and up during the outage, and work that never ran once the
broker was back (thumbnails not made, report jobs not done).

    bench broker_outage_lost_jobs: N (target <= 0)
    bench broker_outage_5xx: N (target <= 0)

gunicorn, a real Celery worker and the relay (what beat runs every 30 s) on the demo county.
"""

import http.client
import shutil
import subprocess
import sys
import uuid

from common import ROOT, SESSION_SCRIPT, demo_env, free_port, gunicorn, wait_for_port

sys.path.insert(0, str(ROOT))
from tests.evidence.samples import png  # noqa: E402

WORK = ROOT / "var" / "bench-outage"
PHOTOS = 8
CSRF = "benchtoken0123456789benchtoken01"

SHARE = """
import django; django.setup()
from assignments.models import Assignment
print(Assignment.objects.filter(unit__code="D16", status__in=Assignment.OPEN_STATUSES).order_by("indicator__code").first().pk)
"""

# Beat's relay, every 30 s (the schedule's interval), until everything is sent; then wait
# for the worker to have done it all. Prints: lost work, messages still unsent.
RELAY = """
import sys, time
import django; django.setup()
from django.conf import settings
from core.models import OutboxMessage
from core.outbox import relay
from evidence.models import EvidenceRevision
from reports.models import ReportJob
interval = settings.CELERY_BEAT_SCHEDULE["relay-outbox"]["schedule"]
deadline = time.monotonic() + 300
while time.monotonic() < deadline:
    relay()
    waiting = EvidenceRevision.objects.filter(content_type="image/png", thumbnail="").count()
    jobs = ReportJob.objects.exclude(status="done").count()
    if not waiting and not jobs:
        break
    time.sleep(interval if OutboxMessage.objects.filter(sent_at__isnull=True).exists() else 1)
print("RESULT", waiting + jobs, OutboxMessage.objects.filter(sent_at__isnull=True).count())
"""


def _redis(port):
    server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(WORK),
        ],
        stdout=subprocess.DEVNULL,
    )
    wait_for_port(port)
    return server


def _multipart(fields, files):
    boundary = uuid.uuid4().hex
    body = b""
    for name, value in fields.items():
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    for name, (filename, data, content_type) in files.items():
        body += (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n"
            ).encode()
            + data
            + b"\r\n"
        )
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _post(port, path, session, body, content_type):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {
        "Cookie": f"sessionid={session}; csrftoken={CSRF}",
        "X-CSRFToken": CSRF,
        "Content-Type": content_type,
        "X-Requested-With": "XMLHttpRequest",
    }
    conn.request("POST", path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status


def _get(port, path, session):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers={"Cookie": f"sessionid={session}"})
    response = conn.getresponse()
    response.read()
    return response.status


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    port = free_port()
    redis = _redis(port)
    env = demo_env(WORK, MEDIA_ROOT=str(WORK / "media"))
    env.update(REDIS_URL=f"redis://127.0.0.1:{port}/0")  # broker, results and cache: our own Redis
    py = sys.executable
    liaison, office = subprocess.run(
        [py, "-c", SESSION_SCRIPT, "demo-liaison-D16", "demo-office"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-2:]
    share = subprocess.run(
        [py, "-c", SHARE], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout.split()[-1]
    worker = subprocess.Popen(
        [
            py,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=ERROR",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    statuses = []
    try:
        with gunicorn(env, "--workers", "2", "--timeout", "120") as (web, _server):
            redis.terminate()  # the outage
            redis.wait(timeout=30)
            for n in range(PHOTOS):
                body, ctype = _multipart(
                    {"kind": "image", "title": f"现场照片{n}"},
                    {"files": (f"照片{n}.png", png() + n.to_bytes(4, "big"), "image/png")},
                )
                statuses.append(_post(web, f"/evidence/add/{share}/files/", liaison, body, ctype))
            statuses.append(_post(web, "/reports/compile/", office, "kind=xlsx", "application/x-www-form-urlencoded"))
            for path in ("/", "/campaigns/dashboard/", "/reports/"):
                statuses.append(_get(web, path, office))
            redis = _redis(port)  # back
            out = subprocess.run([py, "-c", RELAY], cwd=ROOT, env=env, capture_output=True, text=True, timeout=400)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        redis.terminate()
        redis.wait(timeout=30)
    if out.returncode != 0:
        print(out.stderr[-2000:], file=sys.stderr)
        return 1
    lost, unsent = (
        int(v) for v in next(line for line in out.stdout.splitlines() if line.startswith("RESULT ")).split()[1:]
    )
    errors = sum(1 for s in statuses if s >= 500)
    print(
        f"# during the outage: {len(statuses)} requests answered {sorted(set(statuses))}; after it: {unsent} message(s) unsent"
    )
    print(f"bench broker_outage_lost_jobs: {lost} (target <= 0)")
    print(f"bench broker_outage_5xx: {errors} (target <= 0)")
    shutil.rmtree(WORK, ignore_errors=True)
    return 0 if lost == 0 and errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
