"""Production settings (DEBUG off): Django's deployment checks pass, HTTPS is enforced, cookies are
secure and every page carries the security headers."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import TEST_PASSWORD

HOST = "kentsoc.example.police.uk"


def production_env() -> dict[str, str]:
    # Browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; production never has it.
    test_switches = ("SECURE_SSL_REDIRECT", "STATIC_MANIFEST", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in test_switches}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        CSRF_TRUSTED_ORIGINS=f"https://{HOST}",
        DJANGO_SETTINGS_MODULE="kentsoc.settings",
    )
    # Test-only switches (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process).
    for name in ("TEST_DATABASE_NAME", "DJANGO_ALLOW_ASYNC_UNSAFE", "CELERY_TASK_ALWAYS_EAGER"):
        env.pop(name, None)
    return env


def manage(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_sends_plain_http_to_https_but_not_the_health_probe():
    script = (
        "from django.test import Client\n"
        f"c = Client(HTTP_HOST={HOST!r})\n"
        "r = c.get('/login/')\n"
        "print('LOGIN', r.status_code, r.get('Location'))\n"
        "print('HEALTH', c.get('/healthz').status_code)\n"
    )
    result = manage("shell", "-c", script)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert lines["LOGIN"] == f"301 https://{HOST}/login/"
    # The load balancer probes over plain HTTP inside the network: no redirect.
    assert lines["HEALTH"] in ("200", "503")


def test_production_settings_in_this_process():
    """The test run itself uses DEBUG off (Makefile), so the secure settings are those served."""
    assert settings.DEBUG is False
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.SECURE_HSTS_SECONDS >= 31536000
    assert settings.X_FRAME_OPTIONS == "DENY"
    assert settings.REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] == [
        "rest_framework.renderers.JSONRenderer"
    ]


@pytest.mark.parametrize("path", ["/login/", "/", "/ocgs/", "/api/ocgs/"])
def test_security_headers(path, supervisor):
    client = Client()
    if path != "/login/":
        client.force_login(supervisor)
    response = client.get(path, secure=True)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-eval" not in csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_cookies_are_secure_and_http_only(supervisor):
    client = Client()
    login = reverse("login")
    client.get(login, secure=True)
    response = client.post(
        login, {"username": "supervisor", "password": TEST_PASSWORD}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"
    assert client.cookies[settings.CSRF_COOKIE_NAME]["secure"]
