"""The access probe of issue 13, standalone: runs the role x endpoint x method matrix
(tests/security/test_leak_matrix.py) through `make pytest` and prints its figures: users, probes
run, leaks, writes refused, unexpected writes and 5xx answers.

    python bench/probe_access.py        # from the repository root; exit status is pytest's

Extra arguments go to make (e.g. TEST_REDIS_URL=redis://127.0.0.1:6379/7).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST = "tests/security/test_leak_matrix.py"


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "leak-matrix.json"
        env = {**os.environ, "LEAK_MATRIX_REPORT": str(report)}
        started = time.monotonic()
        done = subprocess.run(
            ["make", "pytest", f"ARGS={TEST} -q -p no:logging", *argv],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.monotonic() - started
        if not report.exists():
            sys.stdout.write(done.stdout[-4000:] + done.stderr[-4000:])
            print("probe_access: the matrix did not run to its summary", file=sys.stderr)
            return done.returncode or 1
        figures = json.loads(report.read_text())
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    print(f"{'wall seconds (with test database set-up)':<{width}}  {elapsed:.0f}")
    if done.returncode:
        # The failures name each leak or unexpected write (user, URL, marker or table).
        tail = [ln for ln in done.stdout.splitlines() if ln.startswith(("E ", "FAILED"))]
        print("\n".join(tail[:80]))
    return done.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
