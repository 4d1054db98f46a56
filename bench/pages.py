"""The URL walk at 20× and 100× a large county (bench/county.py; 100× is 100,000 evidence items):
every GET page of the URL matrix (tests/test_url_matrix.py), as each persona of the query-count
walk it answers 200 (HTML pages; downloads are timed and printed, not counted as pages),
timed against a trivial logged-in page in the same process; the dashboard on a cache miss; the
largest HTML page at 100×, uncompressed.

Each scale's database (fazhi_pages_<scale>) is built once and kept: building 100× takes minutes,
and it is rebuilt only when county.py's builder changes (a marker under var/bench-pages). The personas go in
inside a transaction that is rolled back after the walk, so the kept database stays as built.

    python bench/pages.py            both scales (make bench runs it)
    python bench/pages.py walk 20    one scale (the database must exist)
"""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKERS = ROOT / "var" / "bench-pages"
SCALES = (20, 100)


def _env(scale):
    base = os.environ["DATABASE_URL"]
    env = {
        **os.environ,
        "DATABASE_URL": base.rsplit("/", 1)[0] + f"/fazhi_pages_{scale}",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "VAR_DIR": str(ROOT / "var" / f"bench-pages-{scale}"),
    }
    env.pop("REDIS_URL", None)  # the process's own cache: the walk clears it for the dashboard's miss
    return env


def _fingerprint():
    """The builder's text (county.py up to the personas, which go in at each walk)."""
    text = (ROOT / "bench" / "county.py").read_text().split("def county_personas")[0]
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def ensure_database(scale):
    """Build the scale's database unless the marker says it is there and current; seconds spent."""
    import time

    marker = MARKERS / f"{scale}.built"
    name = f"fazhi_pages_{scale}"
    exists = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists and marker.exists() and marker.read_text() == _fingerprint():
        # A kept database gets the migrations added since it was built (an index changes the figures).
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=_env(scale), check=True)
        return 0.0
    start = time.perf_counter()
    subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    env = _env(scale)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, __file__, "build", str(scale)], cwd=ROOT, env=env, check=True)
    MARKERS.mkdir(parents=True, exist_ok=True)
    marker.write_text(_fingerprint())
    return time.perf_counter() - start


def _setup():
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()


def build(scale):
    _setup()
    from county import build_county
    from django.db import connection

    build_county(scale, f"p{scale}")
    with connection.cursor() as cursor:
        # What autovacuum does to a county's tables after their bulk inserts: statistics, and the
        # visibility map that lets PostgreSQL answer from an index alone.
        cursor.execute("VACUUM ANALYZE")


def _interleaved(page, trivial, repeat=5):
    """Medians of a page and of the trivial page, timed turn about: the machine's speed drifts
    over a walk of minutes (a shared host), and a baseline taken once at the start would lend
    its drift to every page after it."""
    import statistics
    import time

    pages, trivials = [], []
    for _ in range(repeat):
        for fn, samples in ((trivial, trivials), (page, pages)):
            start = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - start)
    return statistics.median(pages), statistics.median(trivials)


def walk(scale):
    """One line per figure of this scale; the slowest page's name on the line before its figure."""
    _setup()
    import time

    from county import county_personas
    from django.conf import settings
    from django.core.cache import cache
    from django.db import transaction
    from django.test import Client
    from run import report, timed

    from campaign.models import Campaign
    from tests.test_query_scaling import WALKERS
    from tests.test_url_matrix import EXPECTED, PERSONAS, _circular, _evidence, _expected, _job, _submission

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    started = time.perf_counter()
    with transaction.atomic():
        world = county_personas(Campaign.objects.get(slug=f"bench-p{scale}"), "walk")
        for make in (_evidence, _job, _submission, _circular):
            make(world)
        clients = {}
        for persona in PERSONAS[1:]:
            clients[persona] = Client()
            clients[persona].force_login(getattr(world, persona))
        office = clients["office_admin"]
        trivial_page = lambda: office.get("/accounts/password/done/")  # noqa: E731
        trivial = timed(trivial_page, repeat=30)
        times, sizes, downloads, ratios = {}, {}, {}, {}
        for name, (path, table) in sorted(EXPECTED.items()):
            path = path(world) if callable(path) else path
            for persona in WALKERS:  # one persona of each kind of scope, as the query-count walk
                if _expected(table, persona) != 200:
                    continue
                client = clients[persona]
                response = client.get(path)
                if response.status_code != 200:
                    print(f"# {name} as {persona}: {response.status_code}, not timed")
                    continue
                seconds, baseline = _interleaved(lambda c=client, p=path: c.get(p), trivial_page)
                if response.get("Content-Type", "").startswith("text/html"):
                    sizes[(name, persona)] = len(response.content)
                    times[(name, persona)] = seconds
                    ratios[(name, persona)] = seconds / baseline
                else:  # a download (an export, a file) is as large as what it exports: not a page
                    downloads[(name, persona)] = seconds
        office.get("/campaigns/dashboard/")
        miss, miss_baseline = _interleaved(lambda: (cache.clear(), office.get("/campaigns/dashboard/")), trivial_page)
        transaction.set_rollback(True)
    print(f"# trivial logged-in page at {scale}x: {trivial * 1000:.0f} ms (median of 30, before the walk)")
    for (name, persona), ratio in sorted(ratios.items(), key=lambda kv: -kv[1]):
        if ratio <= 2.5:
            break
        print(f"# {scale}x {name} as {persona}: {times[(name, persona)] * 1000:.0f} ms, {ratio:.1f}x trivial")
    for (name, persona), seconds in sorted(downloads.items(), key=lambda kv: -kv[1])[:3]:
        print(f"# {scale}x download {name} as {persona}: {seconds * 1000:.0f} ms (not a page)")
    worst = max(ratios, key=ratios.get)
    print(f"# slowest page at {scale}x: {worst[0]} as {worst[1]}")
    limit = {20: 3, 100: 5}[scale]
    report(f"page_worst_{scale}x_vs_trivial_logged_in", ratios[worst], "<=", limit)
    if scale == 20:
        report("dashboard_cache_miss_20x_vs_trivial_logged_in", miss / miss_baseline, "<=", 3)
    for (name, persona), size in sorted(sizes.items(), key=lambda kv: -kv[1])[:5]:
        print(f"# {scale}x {name} as {persona}: {size / 1000:.0f} KB of HTML")
    if scale == 100:
        largest = max(sizes, key=sizes.get)
        print(f"# largest page at 100x: {largest[0]} as {largest[1]}")
        report("page_worst_html_kb_100x", sizes[largest] / 1000, "<=", 100)
    print(f"# pages walk {scale}x: {time.perf_counter() - started:.0f} s")
    from run import RESULTS

    return 0 if all(RESULTS) else 1


def main():
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("# pages walk skipped: it needs DATABASE_URL=postgres://...")
        return 0
    status = 0
    for scale in SCALES:
        built = ensure_database(scale)
        if built:
            print(f"# pages {scale}x database built in {built:.0f} s")
        status |= subprocess.run([sys.executable, __file__, "walk", str(scale)], cwd=ROOT, env=_env(scale)).returncode
    return status


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "build":
        build(int(sys.argv[2]))
    elif len(sys.argv) == 3 and sys.argv[1] == "walk":
        sys.exit(walk(int(sys.argv[2])))
    else:
        sys.exit(main())
