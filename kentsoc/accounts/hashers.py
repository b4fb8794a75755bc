"""The password hasher: Django's PBKDF2 at its full strength, hashed at a lower CPU priority.

Signing in spends about 0.2 to 0.4 s of a core in PBKDF2 (1,000,000 iterations). When many
officers sign in at once (a shift starting), those hashes took the cores from the officers
already at work, and every page queued behind them. Here each hash is computed in a small pool
of threads whose CPU priority is lowered (nice +10): the same algorithm, iterations and stored
hashes, as long as before on an idle machine; on a busy one the pages go first and a sign-in
waits a little longer. The priority is a thread's own on Linux (each thread is a task of its
own), so the request's thread and every other thread of the process keep theirs.
"""

from __future__ import annotations

import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from django.contrib.auth.hashers import PBKDF2PasswordHasher

# CFS gives a nice +10 thread about a tenth of a nice 0 thread's share of a busy core: a sign-in
# still goes ahead under load, it only stops taking the cores from pages.
HASH_NICENESS = 10

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_pool_pid: int | None = None


def _lower_priority() -> None:
    # Not Linux, or not allowed: the thread hashes at the usual priority.
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASH_NICENESS)


def hashing_pool() -> ThreadPoolExecutor:
    """The process's hashing threads, started on first use (after gunicorn or Celery forked)."""
    global _pool, _pool_pid
    with _pool_lock:
        if _pool is None or _pool_pid != os.getpid():
            _pool = ThreadPoolExecutor(
                max_workers=os.cpu_count() or 2,
                thread_name_prefix="password-hash",
                initializer=_lower_priority,
            )
            _pool_pid = os.getpid()
        return _pool


class LowPriorityPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2PasswordHasher ("pbkdf2_sha256", Django's iterations) whose hashing (encoding a new
    password, and verifying one, which encodes it again) runs in `hashing_pool`. hashlib's
    PBKDF2 releases the GIL, so the request's thread only waits."""

    def encode(self, password: str, salt: str, iterations: int | None = None) -> str:
        encode = super().encode
        return hashing_pool().submit(encode, password, salt, iterations).result()
