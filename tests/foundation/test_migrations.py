"""Models and migrations agree, whatever the hash seed (it changes the order of sets)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings


@pytest.mark.parametrize("hash_seed", ["0", "1", "2"])
def test_no_missing_migrations(hash_seed):
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "DEBUG": "true"}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout
