"""No Docker engine runs here: the compose file is validated against the Compose spec's schema."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_docker_compose_file_matches_the_compose_specification():
    checker = Path(sys.executable).with_name("check-jsonschema")
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.compose-spec", str(ROOT / "docker-compose.yml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_runs_every_service_the_product_needs():
    import yaml

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert {"db", "redis", "web", "worker", "beat", "migrate"} <= set(services)
    assert "celery" in services["worker"]["command"] and "beat" in services["beat"]["command"]
    assert any(v.startswith("media:") for v in services["web"]["volumes"])


def _compose():
    import yaml

    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _default(value):
    """The default of a `${NAME:-default}` value."""
    text = str(value)
    return text.split(":-", 1)[1].rstrip("}") if ":-" in text else text


def test_nginx_stands_in_front_of_gunicorn_and_only_it_is_published():
    services = _compose()["services"]
    proxy = services["proxy"]
    assert proxy["image"].startswith("nginx:")
    assert "./deploy/nginx.conf.template:/etc/nginx/templates/default.conf.template:ro" in proxy["volumes"]
    assert proxy["environment"]["UPSTREAM"] == "web:8000"
    assert any(p.endswith(":" + proxy["environment"]["LISTEN"]) for p in proxy["ports"])
    assert "ports" not in services["web"]
    # One nginx appends to X-Forwarded-For: the app counts it.
    assert _default(services["web"]["environment"]["TRUSTED_PROXY_COUNT"]) == "1"


def test_nginx_accepts_an_upload_the_app_would_refuse_itself():
    """nginx's 413 would be an English error page: bodies up to the app's limits reach the app."""
    from django.conf import settings

    services = _compose()["services"]
    body_mb = int(_default(services["proxy"]["environment"]["CLIENT_MAX_BODY_MB"]))
    env = services["web"]["environment"]
    assert int(_default(env["EVIDENCE_MAX_UPLOAD_MB"])) == settings.EVIDENCE_MAX_UPLOAD_MB
    assert body_mb > settings.EVIDENCE_MAX_UPLOAD_MB and body_mb > settings.TABLE_MAX_UPLOAD_MB


def test_gunicorn_runs_gthread_workers_with_nginx_waiting_as_long_as_gunicorn():
    import re
    import runpy

    services = _compose()["services"]
    assert services["web"]["command"][:3] == ["gunicorn", "-c", "gunicorn.conf.py"]
    assert "gunicorn.conf.py" in (ROOT / "Dockerfile").read_text().splitlines()[-1]
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["worker_class"] == "gthread" and conf["threads"] > 1
    template = (ROOT / "deploy" / "nginx.conf.template").read_text()
    assert re.search(r"proxy_read_timeout (\d+)s;", template).group(1) == str(conf["timeout"])
    assert _default(services["web"]["environment"]["GUNICORN_TIMEOUT"]) == str(conf["timeout"])
    for line in (
        "proxy_request_buffering on;",
        "proxy_buffering on;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $fazhi_forwarded_proto;",
        "gzip on;",
    ):
        assert line in template


def test_the_nginx_configuration_is_accepted_by_nginx(tmp_path):
    """Rendered as the official image renders it, checked by Debian's nginx (scripts/sysdeps.sh test)."""
    sys.path.insert(0, str(ROOT / "bench"))
    from common import nginx_config

    conf = nginx_config(tmp_path, upstream_port=8000, listen_port=18080)
    result = subprocess.run(
        ["nginx", "-t", "-c", str(conf), "-e", str(tmp_path / "error.log")], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
