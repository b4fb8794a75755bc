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
PBKDF2, the call into Argon2's C code), so the request's thread only waits.

Why Argon2 is computed here rather than by argon2-cffi's `hash_secret`: the same function of the
same inputs (Argon2's reference C code, the same parameters, lanes and bytes out), at about two
thirds of the CPU (`make bench-hasher`). argon2-cffi asks malloc for the 100 MiB each time; malloc
maps it afresh and the kernel then faults in and zeroes 25,600 pages of 4 KiB, a third of the
hash's CPU; Argon2's reads, each at a random block of the 100 MiB, miss the CPU's page-table cache
on most of them. Here the 100 MiB is mapped in 2 MiB pages (transparent huge pages, asked for with
madvise: 50 faults, and the page-table cache holds all of it), and the lanes are filled on the
calling thread instead of a thread per lane started and joined 64 times a hash: a hash is one
thread's work, so a sign-in takes at most one core from the pages. (Measured in C on the bench
host, 20 hashes at Django's parameters: 268 ms of CPU a hash -> 178 ms.)
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hmac
import mmap
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import argon2
from argon2.exceptions import HashingError, InvalidHashError
from argon2.low_level import ARGON2_VERSION, core, error_to_str, ffi, lib
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


_HUGE_PAGE = 2 * 1024 * 1024
# The memory of the hash this thread is computing: Argon2 asks for it through the callback below,
# which cannot be handed anything but the size.
_held = threading.local()


@ffi.callback("int(uint8_t **, size_t)", error=lib.ARGON2_MEMORY_ALLOCATION_ERROR)
def _allocate(memory, size):
    # One huge page more than asked, so the memory can start on a huge-page boundary.
    # Private: shared anonymous memory is backed by shmem, which gets no huge pages.
    region = mmap.mmap(-1, size + _HUGE_PAGE, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    view = ffi.from_buffer(region)
    offset = -int(ffi.cast("uintptr_t", view)) % _HUGE_PAGE
    # Without transparent huge pages (another OS, or a kernel without them) it is 4 KiB pages.
    with contextlib.suppress(AttributeError, OSError):
        region.madvise(mmap.MADV_HUGEPAGE, offset, size)
    _held.memory = (region, view)
    memory[0] = ffi.cast("uint8_t *", view) + offset
    return lib.ARGON2_OK


@ffi.callback("void(uint8_t *, size_t)")
def _free(memory, size):
    # Argon2 has wiped the memory before it calls this; `_argon2_raw` unmaps it.
    pass


def _argon2_raw(password: bytes, salt: bytes, params: argon2.Parameters, hash_len: int) -> bytes:
    """Argon2's raw hash of `password`: what argon2-cffi's `hash_secret_raw` returns for the same
    arguments, computed on this thread in memory of 2 MiB pages."""
    out = ffi.new("uint8_t[]", hash_len)
    c_password = ffi.new("uint8_t[]", password)
    c_salt = ffi.new("uint8_t[]", salt)
    context = ffi.new(
        "argon2_context *",
        {
            "out": out,
            "outlen": hash_len,
            "pwd": c_password,
            "pwdlen": len(password),
            "salt": c_salt,
            "saltlen": len(salt),
            "secret": ffi.NULL,
            "secretlen": 0,
            "ad": ffi.NULL,
            "adlen": 0,
            "t_cost": params.time_cost,
            "m_cost": params.memory_cost,
            "lanes": params.parallelism,
            "threads": 1,
            "version": params.version,
            "allocate_cbk": _allocate,
            "free_cbk": _free,
            "flags": lib.ARGON2_DEFAULT_FLAGS,
        },
    )
    try:
        result = core(context, params.type.value)
    finally:
        # Also when Argon2 stopped before freeing it.
        held = _held.__dict__.pop("memory", None)
        if held is not None:
            region, view = held
            ffi.release(view)
            region.close()
    if result != lib.ARGON2_OK:
        raise HashingError(error_to_str(result))
    return bytes(ffi.buffer(out, hash_len))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


class LowPriorityArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2PasswordHasher ("argon2": Argon2id, Django's time, memory and parallelism) whose
    encoding and verifying run in `hashing_pool`, each hash by `_argon2_raw`. Its hashes are
    Django's, character for character, and it verifies every Argon2 hash Django's does."""

    def encode(self, password: str, salt: str) -> str:
        params = self.params()
        salt_bytes = salt.encode()
        raw = in_hashing_pool(_argon2_raw, password.encode(), salt_bytes, params, params.hash_len)
        return (
            f"{self.algorithm}$argon2{params.type.name.lower()}$v={ARGON2_VERSION}"
            f"$m={params.memory_cost},t={params.time_cost},p={params.parallelism}"
            f"${_b64(salt_bytes)}${_b64(raw)}"
        )

    def verify(self, password: str, encoded: str) -> bool:
        algorithm, rest = encoded.split("$", 1)
        assert algorithm == self.algorithm  # noqa: S101 (as Django's own hashers check)
        try:
            params = argon2.extract_parameters("$" + rest)
            *_, b64salt, b64hash = rest.split("$")
            salt, expected = _unb64(b64salt), _unb64(b64hash)
            raw = in_hashing_pool(_argon2_raw, password.encode(), salt, params, len(expected))
        except (InvalidHashError, binascii.Error, HashingError):
            # A stored hash that is not a well-formed Argon2 hash (or a salt too short for
            # Argon2) matches no password: the sign-in fails as with a wrong password, where
            # argon2's own verify would raise for some of these and the sign-in page fail.
            return False
        return hmac.compare_digest(raw, expected)


class LowPriorityPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2PasswordHasher ("pbkdf2_sha256", Django's iterations) whose hashing (encoding a new
    password, and verifying one, which encodes it again) runs in `hashing_pool`. Hashes written
    before Argon2 came first; Django replaces each with an Argon2 hash when it verifies."""

    def encode(self, password: str, salt: str, iterations: int | None = None) -> str:
        return in_hashing_pool(super().encode, password, salt, iterations)
