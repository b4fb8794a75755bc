"""The password hash's cost: Django's Argon2PasswordHasher (argon2-cffi) against kentsoc's
(kentsoc/accounts/hashers.py), at Django's parameters, alternating in rounds so that a change in
the host's speed meets both. Prints CPU and wall time a hash; checks both give the same hash.

    make bench-hasher            (BENCH_HASHES=20 hashes a round, three rounds)
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kentsoc.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import Argon2PasswordHasher  # noqa: E402

from kentsoc.accounts import hashers  # noqa: E402

PASSWORD = "fictional-bench-password-1"  # noqa: S105
SALT = "fictionalbenchsalt"


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _measure(hash_once: Callable[[], object], count: int) -> tuple[float, float]:
    """CPU and wall milliseconds a hash, over `count` hashes (every thread of the process: both
    hashers run their lanes or their pool off the calling thread)."""
    cpu, wall = _cpu(), time.perf_counter()
    for _ in range(count):
        hash_once()
    return 1000 * (_cpu() - cpu) / count, 1000 * (time.perf_counter() - wall) / count


def main() -> None:
    count = int(os.environ.get("BENCH_HASHES", "20"))
    django_s, ours = Argon2PasswordHasher(), hashers.LowPriorityArgon2PasswordHasher()
    encoded = ours.encode(PASSWORD, SALT)
    assert encoded == django_s.encode(PASSWORD, SALT), "the two hashers disagree"  # noqa: S101
    assert ours.verify(PASSWORD, encoded) and django_s.verify(PASSWORD, encoded)  # noqa: S101
    candidates = {
        "Django's (argon2-cffi)": lambda: django_s.encode(PASSWORD, SALT),
        "kentsoc's": lambda: ours.encode(PASSWORD, SALT),
    }
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in candidates}
    params = ours.params()
    print(
        f"Argon2id t={params.time_cost} m={params.memory_cost} KiB p={params.parallelism}, "
        f"{count} hashes a round, 3 rounds alternating; the same hash from both"
    )
    for _ in range(3):
        for name, hash_once in candidates.items():
            figures[name].append(_measure(hash_once, count))
    print(f"{'hasher':<24} {'CPU ms a hash (rounds)':<26} {'median':>7} {'wall ms':>8}")
    for name, rounds in figures.items():
        cpu = [c for c, _ in rounds]
        wall = statistics.median(w for _, w in rounds)
        listed = " / ".join(f"{c:.0f}" for c in cpu)
        print(f"{name:<24} {listed:<26} {statistics.median(cpu):>7.0f} {wall:>8.0f}")
    theirs, mine = (statistics.median(c for c, _ in figures[n]) for n in candidates)
    print(f"kentsoc's / Django's CPU: {mine / theirs:.2f}")


if __name__ == "__main__":
    main()
