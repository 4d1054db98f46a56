"""Behind the proxy, as deployed: gunicorn (gunicorn.conf.py, gthread) with production settings on
PostgreSQL and Redis, Debian's nginx in front with deploy/nginx.conf.template, on loopback, the
demo county loaded.

- slow uploads: ten clients each send a 5 MB file at 50,000 B/s (100 s) through nginx while a
  trivial logged-in page is asked every 0.3 s: its p95 against its p95 when idle, and how many
  of the ten uploads were saved.
- a phone: Debian's Chromium through Playwright, the network emulated by CDP (400 ms latency,
  50,000 B/s each way): the liaison's home page on a first visit (empty cache) and a return
  visit, and the bytes a return visit to a share page with 7 photos downloads.

Needs DATABASE_URL (PostgreSQL), REDIS_URL, nginx and chromium (scripts/sysdeps.sh bench).
"""

import contextlib
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time

from common import ROOT, SESSION_SCRIPT, free_port, migrate_and_load_demo, nginx, wait_for_port, write_random_file

DB = "fazhi_proxy"
WORK = ROOT / "var" / "bench-proxy"
RATE = 50_000  # bytes per second, each way: a township's link
UPLOADS = 10
UPLOAD_MB = 5
BOUNDARY = "----fazhislow"
TOKEN = "slowtoken0123456789slowtoken0123"
RESULTS = []


def report(name, value, op, limit):
    ok = value <= limit if op == "<=" else value >= limit
    RESULTS.append(ok)
    print(f"bench {name}: {value:.2f} (target {op} {limit})", flush=True)


SETUP = """
import io, sys, django; django.setup()
from django.core.files.base import ContentFile
from PIL import Image
import random
from assignments.models import Assignment
from evidence.models import Evidence, EvidenceRevision
from evidence.thumbnails import thumbnail_make
shares = list(Assignment.objects.filter(unit__code="D16", status__in=["not_started", "in_progress"]).order_by("indicator__code"))
photo_share = shares[0]
rng = random.Random(7)
for n in range(7):
    image = Image.effect_noise((1600, 1200), 40 + n).convert("RGB")
    out = io.BytesIO(); image.save(out, "JPEG", quality=85)
    e = Evidence.objects.create(assignment=photo_share, campaign_id=photo_share.campaign_id, kind="image", title=f"现场照片{n}")
    r = EvidenceRevision(evidence=e, number=1, original_name=f"照片{n}.jpg", content_type="image/jpeg", size=len(out.getvalue()), sha256=f"{n:064x}")
    r.file.save(f"photo{n}.jpg", ContentFile(out.getvalue()), save=False); r.save()
    e.current_revision = r; e.save(update_fields=["current_revision"])
    assert thumbnail_make(r.pk)
# the photo share, then the shares the slow uploads go to (cycled through when fewer than ten)
print("shares:", *[str(s.pk) for s in shares[:11]])
"""


@contextlib.contextmanager
def deployed(env):
    """gunicorn as the image runs it, nginx in front; yields nginx's port."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "config.wsgi:application"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2", "GUNICORN_ACCESSLOG": ""},
    )
    try:
        wait_for_port(port, 30)
        with nginx(WORK / "nginx", port) as proxy_port:
            yield proxy_port
    finally:
        server.terminate()
        server.wait(timeout=60)


def slow_upload(port, cookie, share, path, results):
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{TOKEN}\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="kind"\r\n\r\ndocument\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="照片.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    body = head + path.read_bytes() + f"\r\n--{BOUNDARY}--\r\n".encode()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        conn.putrequest("POST", f"/evidence/add/{share}/files/")
        for name, value in (
            ("Cookie", f"{cookie}; csrftoken={TOKEN}"),
            ("Content-Type", f"multipart/form-data; boundary={BOUNDARY}"),
            ("Content-Length", str(len(body))),
        ):
            conn.putheader(name, value)
        conn.endheaders()
        chunk = RATE // 10
        start = time.monotonic()
        for n, offset in enumerate(range(0, len(body), chunk)):
            conn.send(body[offset : offset + chunk])
            time.sleep(max(0.0, start + (n + 1) / 10 - time.monotonic()))  # 50,000 B/s, paced
        response = conn.getresponse()
        response.read()
        results.append(response.status)
    except OSError as exc:
        results.append(repr(exc))


def trivial_p95(port, cookie, seconds=None, stop=None, pause=0.3):
    samples = []
    deadline = time.monotonic() + (seconds or 1e9)
    while time.monotonic() < deadline and not (stop and stop.is_set()):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        start = time.perf_counter()
        conn.request("GET", "/accounts/password/done/", headers={"Cookie": cookie})
        response = conn.getresponse()
        response.read()
        samples.append(time.perf_counter() - start)
        assert response.status == 200, response.status
        time.sleep(pause)
    return statistics.quantiles(samples, n=20)[-1], len(samples)


def bench_slow_uploads(port, cookie, shares):
    started = time.perf_counter()
    idle, _n = trivial_p95(port, cookie, seconds=20)
    files = []
    for n in range(UPLOADS):
        path = WORK / f"slow{n}.pdf"
        write_random_file(path, UPLOAD_MB, header=b"%PDF-1.4\n" + n.to_bytes(4, "big"))
        files.append(path)
    statuses = []
    threads = [
        threading.Thread(target=slow_upload, args=(port, cookie, shares[n % len(shares)], files[n], statuses))
        for n in range(UPLOADS)
    ]
    for t in threads:
        t.start()
    time.sleep(5)  # every upload under way
    stop = threading.Event()
    busy = {}
    sampler = threading.Thread(target=lambda: busy.update(p95=trivial_p95(port, cookie, stop=stop)))
    sampler.start()
    for t in threads:
        t.join()
    stop.set()
    sampler.join()
    saved = sum(1 for s in statuses if s == 302)
    print(
        f"# slow uploads: idle p95 {idle * 1000:.0f} ms, busy p95 {busy['p95'][0] * 1000:.0f} ms "
        f"({busy['p95'][1]} samples), answers {statuses}"
    )
    report("slow_uploads_trivial_p95_vs_idle", busy["p95"][0] / idle, "<=", 3)
    report("slow_upload_saved", saved, ">=", 10)
    print(f"# slow uploads part: {time.perf_counter() - started:.0f} s")


def bench_phone(port, session, photo_share):
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    site = f"http://127.0.0.1:{port}"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
            ],
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
        context.add_cookies([{"name": "sessionid", "value": session, "url": site}])
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": 400, "downloadThroughput": RATE, "uploadThroughput": RATE},
        )
        received = []
        cdp.on("Network.loadingFinished", lambda e: received.append(e["encodedDataLength"]))

        def visit(path):
            """Seconds until the page's load event; kilobytes received until the network is quiet
            (the lazy thumbnails below the fold included, so none spills into the next visit)."""
            received.clear()
            start = time.perf_counter()
            response = page.goto(site + path, wait_until="load")
            seconds = time.perf_counter() - start
            assert response.status == 200, (path, response.status)
            page.wait_for_load_state("networkidle")
            return seconds, sum(received) / 1000

        first, first_kb = visit("/")
        again, again_kb = visit("/")
        visit(f"/assignments/{photo_share}/")
        share_again, share_kb = visit(f"/assignments/{photo_share}/")
        browser.close()
    print(
        f"# phone: home first {first:.2f} s {first_kb:.0f} KB, return {again:.2f} s {again_kb:.0f} KB; "
        f"share page return {share_again:.2f} s"
    )
    report("phone_liaison_home_first_visit_seconds", first, "<=", 2.5)
    report("phone_liaison_home_return_visit_seconds", again, "<=", 1.0)
    report("phone_share_page_return_visit_kb", share_kb, "<=", 30)
    print(f"# phone part: {time.perf_counter() - started:.0f} s")


def main():
    base = os.environ.get("DATABASE_URL", "")
    missing = [tool for tool in ("nginx", "/usr/bin/chromium") if not shutil.which(tool)]
    if not base.startswith("postgres") or not os.environ.get("REDIS_URL") or missing:
        print("# proxy runs skipped: they need DATABASE_URL=postgres://..., REDIS_URL, nginx and chromium")
        return 0
    import json

    started = time.perf_counter()
    url = base.rsplit("/", 1)[0] + f"/{DB}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test", "VAR_DIR": str(WORK)}
    py = sys.executable
    prod = {
        **env,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "proxy-run-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "TRUSTED_PROXY_COUNT": "1",
        "MEDIA_ROOT": str(WORK / "media"),
    }
    # The demo county with its photos is built once and kept (loading the demo takes minutes on
    # a busy machine); the marker holds the shares the runs use. Each run adds its ten uploads.
    marker = WORK / "built.json"
    exists = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", f"SELECT 1 FROM pg_database WHERE datname='{DB}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not (exists and marker.exists()):
        shutil.rmtree(WORK, ignore_errors=True)
        WORK.mkdir(parents=True)
        subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", DB], check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB], check=True)
        migrate_and_load_demo(env)
        subprocess.run([py, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=prod, check=True)
        out = subprocess.run([py, "-c", SETUP], cwd=ROOT, env=prod, check=True, capture_output=True, text=True)
        marker.write_text(json.dumps(out.stdout.split("shares:")[-1].split()))
        print(f"# proxy runs: demo county built in {time.perf_counter() - started:.0f} s")
    shares = json.loads(marker.read_text())
    session = subprocess.run(
        [py, "-c", SESSION_SCRIPT, "demo-liaison-D16"], cwd=ROOT, env=prod, check=True, capture_output=True, text=True
    ).stdout.split()[-1]
    with deployed(prod) as port:
        bench_phone(port, session, shares[0])
        bench_slow_uploads(port, f"sessionid={session}", shares[1:])
    return 0 if all(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
