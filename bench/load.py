"""Load run: gunicorn with production settings on PostgreSQL (2 workers) on
loopback, 32 concurrent logged-in clients (Debian's wrk) for 60 s in all over a
trivial page, the dashboard, the liaison's and the office's main pages. Zero
errors wanted; the dashboard's throughput is reported as a ratio to the trivial
page's in the same run. Needs DATABASE_URL (PostgreSQL) and REDIS_URL."""

import http.client
import os
import re
import shutil
import subprocess
import sys

from common import ROOT, SESSION_SCRIPT, gunicorn, migrate_and_load_demo

DB = "fazhi_load"


def wrk(url, cookie, seconds):
    out = subprocess.run(
        ["wrk", "-t2", "-c32", f"-d{seconds}s", "--timeout", "10s", "-H", f"Cookie: {cookie}", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|connect|read|write|timeout):? (\d+)", out))
    return rps, errors


def main():
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres") or not os.environ.get("REDIS_URL") or not shutil.which("wrk"):
        print("# load run skipped: it needs DATABASE_URL=postgres://..., REDIS_URL and Debian's wrk")
        return 0
    url = base.rsplit("/", 1)[0] + f"/{DB}"
    subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", DB], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB], check=True)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "VAR_DIR": str(ROOT / "var" / "bench-load"),
    }
    py = sys.executable
    migrate_and_load_demo(env)
    prod = {
        **env,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "load-run-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
    }
    subprocess.run([py, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=prod, check=True)
    # Sessions signed with the server's own secret key.
    sessions = subprocess.run(
        [py, "-c", SESSION_SCRIPT, "demo-office", "demo-liaison-D16"],
        cwd=ROOT,
        env=prod,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    office, liaison = f"sessionid={sessions[-2]}", f"sessionid={sessions[-1]}"
    try:
        with gunicorn(prod, "--workers", "2") as (port, _server):
            site = f"http://127.0.0.1:{port}"
            for path, cookie in (("/campaigns/dashboard/", office), ("/", liaison)):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", path, headers={"Cookie": cookie})
                status = conn.getresponse().status
                if status != 200:  # a redirect to the login page would make the figures meaningless
                    print(f"bench load failed: {path} answered {status} to a logged-in client", file=sys.stderr)
                    return 1
            results = {}
            for name, path, cookie in (
                ("trivial", "/accounts/password/done/", office),
                ("dashboard", "/campaigns/dashboard/", office),
                ("liaison_home", "/", liaison),
                ("office_tasks", "/assignments/", office),
            ):
                results[name] = wrk(site + path, cookie, 15)
    finally:
        subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", DB])
    errors = sum(e for _rps, e in results.values())
    ratio = results["dashboard"][0] / results["trivial"][0]
    for name, (rps, _e) in results.items():
        print(f"# load {name}: {rps:.0f} requests/s")
    print(f"bench load_errors: {errors} (target <= 0)")
    print(f"bench load_dashboard_throughput_vs_trivial: {ratio:.2f} (target >= 0.33)")
    return 0 if errors == 0 and ratio >= 0.33 else 1


if __name__ == "__main__":
    sys.exit(main())
