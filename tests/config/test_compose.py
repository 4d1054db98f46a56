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
