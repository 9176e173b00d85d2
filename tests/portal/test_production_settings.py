"""Production settings: refuse to start without secrets, and pass `check --deploy` clean."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET = "k" * 20 + "Zx9-Qw8_Er7+Ty6!Ui5@Op4#As3$Df2%Gh1^Jk0&Lz"
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": SECRET,
    "DJANGO_ALLOWED_HOSTS": "portal.sukabumikota.go.id",
    "DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal",
    "PORTAL_NIK_HASH_KEY": "nik-hash-key-for-the-production-settings-test",
    "PORTAL_FIELD_ENCRYPTION_KEY": "cHJvZHVjdGlvbi1zZXR0aW5ncy10ZXN0LWtleS0zMmI=",
}


# The test process may carry variables that production must never see (browser tests set
# DJANGO_ALLOW_ASYNC_UNSAFE, which `check --deploy` rightly refuses).
NOT_FOR_PRODUCTION = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}


def manage(*args, env):
    base = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k not in NOT_FOR_PRODUCTION}
    return subprocess.run(
        [sys.executable, "manage.py", *args, "--settings=portal.settings.production"],
        cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120,
    )


def test_check_deploy_has_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", sorted(PRODUCTION_ENV))
def test_refuses_to_start_without(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_production_security_settings():
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS >= 31536000,"
        " s.CACHES['default']['BACKEND'].endswith('RedisCache'), 'nonce' in str(s.SECURE_CSP['script-src']).lower(), s.DEBUG)"
    )
    base = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k not in NOT_FOR_PRODUCTION}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**base, **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "portal.settings.production"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True", "True", "True", "False"]
