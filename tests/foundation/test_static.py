"""Production static files: collectstatic (as the Dockerfile runs it) writes hashed, compressed
files, including the vendored libraries."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_collectstatic_for_production(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "false",
        "STATIC_MANIFEST": "true",
        "STATIC_ROOT": str(tmp_path),
        "SECRET_KEY": "collectstatic-at-build-time-only-not-a-secret",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for name in ["css/kentsoc.css", "vendor/htmx/htmx.min.js", "vendor/chartjs/chart.umd.min.js"]:
        hashed = manifest[name]
        assert hashed != name
        assert (tmp_path / hashed).is_file()
        assert (tmp_path / f"{hashed}.gz").is_file()
