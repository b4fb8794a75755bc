"""The password hashers: Django's Argon2id at Django's own parameters for new hashes, PBKDF2 at
its full strength still verified (and replaced at the officer's next sign-in), both computed at
a lower CPU priority.

Why Argon2: it is the hasher Django's documentation recommends, and it is memory-hard: each guess
costs an attacker 100 MiB of memory as well as the time, where PBKDF2's 1,000,000 SHA-256
iterations cost only time, which GPUs buy cheaply. It also costs the server about half the CPU a
sign-in took with PBKDF2 (0.30 s of a core against 0.56 s on the slow bench host), and when a
shift signs in at once those hashes were taking the cores from every officer already at work.

Why a lower priority: each hash is computed in a small pool of threads whose CPU priority is
lowered (nice +10). The same algorithms, parameters and stored hashes, as long as before on an
idle machine; on a busy one the pages go first and a sign-in waits a little longer. The priority
is a thread's own on Linux (each thread is a task of its own), so the request's thread and every
other thread of the process keep theirs. Both libraries release the GIL while they hash (hashlib's
PBKDF2, argon2-cffi's C call), so the request's thread only waits.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher

# CFS gives a nice +10 thread about a tenth of a nice 0 thread's share of a busy core: a sign-in
# still goes ahead under load, it only stops taking the cores from pages.
HASH_NICENESS = 10
_THREAD_PREFIX = "password-hash"

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_pool_pid: int | None = None

T = TypeVar("T")


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
                thread_name_prefix=_THREAD_PREFIX,
                initializer=_lower_priority,
            )
            _pool_pid = os.getpid()
        return _pool


def in_hashing_pool(work: Callable[..., T], *args: object) -> T:
    """`work(*args)` on a hashing thread. Already on one (PBKDF2's verify encodes again), it runs
    there: waiting on the pool from inside it could wait for itself when every thread is busy."""
    if threading.current_thread().name.startswith(_THREAD_PREFIX):
        return work(*args)
    return hashing_pool().submit(work, *args).result()


class LowPriorityArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2PasswordHasher ("argon2": Argon2id, Django's time, memory and parallelism) whose
    encoding and verifying run in `hashing_pool`."""

    def encode(self, password: str, salt: str) -> str:
        return in_hashing_pool(super().encode, password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        return in_hashing_pool(super().verify, password, encoded)


class LowPriorityPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2PasswordHasher ("pbkdf2_sha256", Django's iterations) whose hashing (encoding a new
    password, and verifying one, which encodes it again) runs in `hashing_pool`. Hashes written
    before Argon2 came first; Django replaces each with an Argon2 hash when it verifies."""

    def encode(self, password: str, salt: str, iterations: int | None = None) -> str:
        return in_hashing_pool(super().encode, password, salt, iterations)
