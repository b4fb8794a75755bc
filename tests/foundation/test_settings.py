"""The one settings module, driven by the environment: each case imports it in a fresh Python
process with exactly the variables given, as a server would start."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "production-like-key-" + "x7Qp2Lm9Vz4Rt8Wk3Nh6Jb1Cf5Gd0Ys" * 2,
    "DATABASE_URL": "postgres://kentsoc:secret@db.internal:5432/kentsoc",
    # Production migrates as the database owner, a login the app never uses.
    "MIGRATE_DATABASE_URL": "postgres://kentsoc_owner:secret@db.internal:5432/kentsoc",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "ALLOWED_HOSTS": "kentsoc.example.police.uk",
}

PROBE = """
import json, django
django.setup()
from django.conf import settings as s
db = s.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "host": db.get("HOST", ""),
    "debug": s.DEBUG, "eager": s.CELERY_TASK_ALWAYS_EAGER, "broker": s.CELERY_BROKER_URL,
    "hosts": s.ALLOWED_HOSTS, "secret": s.SECRET_KEY, "secure_cookie": s.SESSION_COOKIE_SECURE,
    "ssl_redirect": s.SECURE_SSL_REDIRECT, "static_root": str(getattr(s, "STATIC_ROOT", None)),
}))
"""


def _run(args, env, cwd=ROOT):
    # Only what a server would be given: no variables leak in from the test run's environment.
    base = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "kentsoc.settings"}
    return subprocess.run(
        [sys.executable, *args],
        env={**base, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _settings(**env):
    result = _run(["-c", PROBE], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_no_database_url_means_the_sqlite_demo_with_eager_tasks():
    s = _settings(DEBUG="true")

    assert s["engine"] == "django.db.backends.sqlite3"
    assert s["name"].endswith("kentsoc-demo.sqlite3")
    assert s["eager"] is True
    assert s["broker"] == "memory://"
    assert s["hosts"] == ["127.0.0.1", "localhost"]


def test_database_url_selects_postgresql_and_redis_url_a_real_broker():
    s = _settings(**PRODUCTION)

    assert s["engine"] == "django.db.backends.postgresql"
    assert (s["name"], s["host"]) == ("kentsoc", "db.internal")
    assert s["eager"] is False
    assert s["broker"] == "redis://redis.internal:6379/0"
    assert s["hosts"] == ["kentsoc.example.police.uk"]
    assert s["debug"] is False
    assert s["secure_cookie"] is True
    assert s["ssl_redirect"] is True
    assert s["static_root"].endswith("staticfiles")


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}

    result = _run(["manage.py", "check"], env)

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "System check identified no issues" not in result.stdout


def test_debug_defaults_to_off_so_a_bare_start_also_refuses():
    result = _run(["manage.py", "check"], {})

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_secret_key_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text("from-a-docker-secret-" + "k" * 40 + "\n")
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}

    s = _settings(**env, SECRET_KEY_FILE=str(secret))

    assert s["secret"] == "from-a-docker-secret-" + "k" * 40


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be true or false"),
        ("SESSION_COOKIE_AGE", "eight hours", "SESSION_COOKIE_AGE must be a whole number"),
    ],
)
def test_bad_values_fail_at_start_up(name, value, message):
    result = _run(["-c", PROBE], {**PRODUCTION, name: value})

    assert result.returncode != 0
    assert message in result.stderr


def test_check_deploy_is_clean_with_production_variables():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
