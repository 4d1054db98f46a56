"""Settings are read from the environment; bad values stop the start-up loudly."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "k" * 20 + "-production-secret-" + "x9Q!z" * 6,
    "DJANGO_ALLOWED_HOSTS": "fazhi.example.gov.cn",
    "DATABASE_URL": "postgres://app@db.internal:5432/app",
    "REDIS_URL": "redis://redis.internal:6379/0",
}


def _run(code, **env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))}
    base.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    base["VAR_DIR"] = str(ROOT / "var" / "settings-test")
    base.update(env)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60)


SETUP = "import django; django.setup(); from django.conf import settings; "


def test_embedded_default_is_sqlite_and_filesystem_broker():
    result = _run(SETUP + "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_BROKER_URL)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "filesystem://"]


def test_database_and_redis_urls_switch_to_postgres_and_redis():
    result = _run(
        SETUP + "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_BROKER_URL)",
        DATABASE_URL="postgres://u@h:5432/d",
        REDIS_URL="redis://h:6379/1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "redis://h:6379/1"]


@pytest.mark.parametrize(
    "name, value",
    [
        ("DJANGO_DEBUG", "maybe"),
        ("EVIDENCE_MAX_UPLOAD_MB", "fifty"),
        ("EVIDENCE_MAX_UPLOAD_MB", "0"),
        ("SESSION_COOKIE_AGE", "-5"),
        ("AXES_FAILURE_LIMIT", "many"),
    ],
)
def test_bad_values_fail_loudly(name, value):
    result = _run(SETUP, **{name: value})
    assert result.returncode != 0
    assert name in result.stderr


def test_production_without_secret_key_refuses_to_start():
    env = dict(PRODUCTION_ENV)
    env.pop("DJANGO_SECRET_KEY")
    result = _run(SETUP, **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_without_redis_refuses_to_start():
    env = dict(PRODUCTION_ENV)
    env.pop("REDIS_URL")
    result = _run(SETUP, **env)
    assert result.returncode != 0 and "REDIS_URL" in result.stderr


def test_production_passes_check_deploy_without_warnings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))},
            **PRODUCTION_ENV,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_demo_data():
    result = _run(SETUP + "print(settings.DEMO_ALLOWED)", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_env_example_documents_every_variable_the_settings_read():
    import re

    read = set()
    for path in (ROOT / "config" / "settings").glob("*.py"):
        read |= set(
            re.findall(r'env(?:_bool|_int|\.str|\.list|\.db_url|\.email_url)\(\s*"([A-Z_]+)"', path.read_text())
        )
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read - documented == set()


def test_s3_bucket_switches_evidence_storage_to_django_storages():
    result = _run(
        SETUP
        + "print(settings.STORAGES['default']['BACKEND'], settings.STORAGES['default']['OPTIONS']['default_acl'])",
        S3_BUCKET="fazhi-evidence",
        S3_ENDPOINT_URL="https://minio.internal:9000",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["storages.backends.s3.S3Storage", "private"]
    result = _run(SETUP + "print(settings.STORAGES['default']['BACKEND'])")
    assert result.stdout.strip() == "django.core.files.storage.FileSystemStorage"


def test_single_sign_on_is_off_by_default_and_each_way_in_switches_on_its_backend():
    code = SETUP + "print(' '.join(settings.AUTHENTICATION_BACKENDS))"
    assert "core.sso" not in _run(code).stdout
    result = _run(
        code,
        CAS_SERVER_URL="https://ids.example.gov.cn/cas/",
        LDAP_SERVER_URI="ldap://127.0.0.1:1",
        LDAP_USER_SEARCH_BASE="ou=people,dc=county,dc=example",
        OIDC_RP_CLIENT_ID="fazhi",
        OIDC_RP_CLIENT_SECRET="s",
        OIDC_OP_AUTHORIZATION_ENDPOINT="https://ids/authorize",
        OIDC_OP_TOKEN_ENDPOINT="https://ids/token",
        OIDC_OP_USER_ENDPOINT="https://ids/userinfo",
        OIDC_OP_JWKS_ENDPOINT="https://ids/jwks",
    )
    assert result.returncode == 0, result.stderr
    # django-axes first (a locked-out login stops there), the local password after single sign-on.
    assert result.stdout.split() == [
        "axes.backends.AxesStandaloneBackend",
        "core.sso_ldap.LDAPBackend",
        "core.sso.OIDCBackend",
        "core.sso.CASBackend",
        "django.contrib.auth.backends.ModelBackend",
        "guardian.backends.ObjectPermissionBackend",
    ]


def test_logout_forms_may_lead_to_the_cas_server_and_the_oidc_providers_end_session_only():
    code = SETUP + "print(' '.join(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']))"
    assert _run(code).stdout.split() == ["'self'"]
    result = _run(
        code,
        CAS_SERVER_URL="https://cas.example.gov.cn/cas/",
        OIDC_RP_CLIENT_ID="fazhi",
        OIDC_RP_CLIENT_SECRET="s",
        OIDC_OP_AUTHORIZATION_ENDPOINT="https://ids.example.gov.cn/authorize",
        OIDC_OP_TOKEN_ENDPOINT="https://ids.example.gov.cn/token",
        OIDC_OP_USER_ENDPOINT="https://ids.example.gov.cn/userinfo",
        OIDC_OP_JWKS_ENDPOINT="https://ids.example.gov.cn/jwks",
        OIDC_OP_END_SESSION_ENDPOINT="https://ids.example.gov.cn:8443/end-session",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["'self'", "https://cas.example.gov.cn", "https://ids.example.gov.cn:8443"]


@pytest.mark.parametrize(
    "env, missing",
    [
        ({"OIDC_RP_CLIENT_ID": "fazhi"}, "OIDC_RP_CLIENT_SECRET"),
        ({"LDAP_SERVER_URI": "ldap://127.0.0.1:1"}, "LDAP_USER_SEARCH_BASE"),
    ],
)
def test_single_sign_on_half_configured_refuses_to_start(env, missing):
    result = _run(SETUP, **env)
    assert result.returncode != 0 and missing in result.stderr
