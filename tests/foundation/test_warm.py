"""gunicorn's master loads and warms the app before it forks the workers (gunicorn.conf.py,
kentsoc/web/warm.py): every project template compiled once, no connection opened before the fork,
and the forked workers answer on connections of their own."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.template import engines

from kentsoc.web.warm import warm_process

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"


def test_warming_compiles_every_project_template_without_touching_the_database():
    # No `db` fixture: pytest-django refuses any query, so a warm-up that opened a connection
    # (one every forked worker would then share) fails here.
    compiled = warm_process()
    names = sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html"))
    assert compiled == len(names) > 100
    (loader,) = engines["django"].engine.template_loaders
    cached = set(loader.get_template_cache)
    assert set(names) <= cached


@pytest.mark.django_db
def test_the_repository_gunicorn_config_serves_from_a_warmed_master(tmp_path):
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": "",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_MANIFEST": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": settings.SECRET_KEY,
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--config=gunicorn.conf.py",
            "--workers=2",
            f"--bind=127.0.0.1:{port}",
            "--log-level=info",
            f"--error-logfile={log}",
            "kentsoc.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        answers = []
        deadline = time.monotonic() + 60
        while len(answers) < 6 and time.monotonic() < deadline:
            assert server.poll() is None, log.read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:  # noqa: S310
                    answers.append((r.status, json.loads(r.read())["database"]))
            except OSError:
                time.sleep(0.2)
        assert answers == [(200, {"ok": True, "detail": "postgresql"})] * 6, log.read_text()
        text = log.read_text()
        warmed = [
            line for line in text.splitlines() if "templates compiled before the workers" in line
        ]
        assert len(warmed) == 1, text
        assert f"warmed: {len(list(TEMPLATES.rglob('*.html')))} templates" in warmed[0]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
