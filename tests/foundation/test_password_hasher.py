"""New passwords are hashed with Django's Argon2id at Django's own parameters; PBKDF2 hashes
written before still verify (at full strength) and are replaced at the next sign-in; both do
their work on threads of a lower CPU priority (kentsoc/accounts/hashers.py)."""

import dataclasses
import os
import threading

import argon2
import django.utils.crypto
import pytest
from argon2.exceptions import HashingError, InvalidHashError
from django.contrib.auth.hashers import (
    Argon2PasswordHasher,
    PBKDF2PasswordHasher,
    check_password,
    identify_hasher,
    make_password,
)
from django.utils.module_loading import import_string

from kentsoc import settings as project_settings
from kentsoc.accounts import hashers
from kentsoc.accounts.hashers import (
    HASH_NICENESS,
    LowPriorityArgon2PasswordHasher,
    LowPriorityPBKDF2PasswordHasher,
)
from tests.factories import UserFactory

PASSWORD = "fictional-password-for-a-test-9"  # noqa: S105
OURS = [
    "kentsoc.accounts.hashers.LowPriorityArgon2PasswordHasher",
    "kentsoc.accounts.hashers.LowPriorityPBKDF2PasswordHasher",
]


def _niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_the_project_hashes_with_argon2id_at_djangos_parameters_and_still_reads_pbkdf2():
    # The project's own settings (the suite hashes with MD5 for speed: tests/conftest.py).
    assert project_settings.PASSWORD_HASHERS[:2] == OURS
    first = import_string(project_settings.PASSWORD_HASHERS[0])()
    assert first.algorithm == "argon2"
    assert first.params().type == argon2.Type.ID
    assert (first.time_cost, first.memory_cost, first.parallelism) == (
        Argon2PasswordHasher.time_cost,
        Argon2PasswordHasher.memory_cost,
        Argon2PasswordHasher.parallelism,
    )
    second = import_string(project_settings.PASSWORD_HASHERS[1])()
    assert second.algorithm == "pbkdf2_sha256"
    assert second.iterations == PBKDF2PasswordHasher.iterations >= 1_000_000


def test_their_hashes_are_djangos_and_djangos_are_theirs():
    ours, django_s = LowPriorityPBKDF2PasswordHasher(), PBKDF2PasswordHasher()
    salt = "fictionalsalt1234"
    assert ours.encode(PASSWORD, salt, 1000) == django_s.encode(PASSWORD, salt, 1000)
    assert ours.verify(PASSWORD, django_s.encode(PASSWORD, salt, 1000))
    assert not ours.verify(PASSWORD + "x", django_s.encode(PASSWORD, salt, 1000))
    ours, django_s = LowPriorityArgon2PasswordHasher(), Argon2PasswordHasher()
    assert ours.encode(PASSWORD, salt) == django_s.encode(PASSWORD, salt)
    assert ours.verify(PASSWORD, django_s.encode(PASSWORD, salt))
    assert not ours.verify(PASSWORD + "x", django_s.encode(PASSWORD, salt))
    assert django_s.verify(PASSWORD, ours.encode(PASSWORD, salt))


@pytest.mark.django_db
def test_a_pbkdf2_hash_verifies_and_is_replaced_by_an_argon2_hash_at_sign_in(settings):
    settings.PASSWORD_HASHERS = OURS
    user = UserFactory()
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "fictionalsalt1234", 1000)
    user.save(update_fields=["password"])
    assert not user.check_password(PASSWORD + "x")
    assert identify_hasher(user.password).algorithm == "pbkdf2_sha256"
    assert user.check_password(PASSWORD)
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "argon2"
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("hasher", "library_call"),
    [
        ("kentsoc.accounts.hashers.LowPriorityPBKDF2PasswordHasher", "pbkdf2"),
        ("kentsoc.accounts.hashers.LowPriorityArgon2PasswordHasher", "argon2"),
    ],
)
def test_it_hashes_at_a_lower_priority_than_the_request_and_leaves_the_request_s(
    hasher, library_call, monkeypatch, settings
):
    settings.PASSWORD_HASHERS = [hasher]
    seen = []

    def watch(real):
        def watched(*args, **kwargs):
            seen.append((threading.get_native_id(), _niceness()))
            return real(*args, **kwargs)

        return watched

    if library_call == "pbkdf2":
        monkeypatch.setattr("django.contrib.auth.hashers.pbkdf2", watch(django.utils.crypto.pbkdf2))
    else:
        monkeypatch.setattr(hashers, "_argon2_raw", watch(hashers._argon2_raw))
    before = _niceness()
    encoded = make_password(PASSWORD)
    assert check_password(PASSWORD, encoded)
    assert len(seen) == 2  # encoding, then verifying
    for thread_id, niceness in seen:
        assert thread_id != threading.get_native_id()
        assert niceness >= min(before + HASH_NICENESS, 19)
    assert _niceness() == before


# Small memory costs keep these quick; the project's own parameters are compared above.
SMALL = {"time_cost": 2, "memory_cost": 1024, "parallelism": 4}


@pytest.mark.parametrize("kind", [argon2.Type.ID, argon2.Type.I, argon2.Type.D])
@pytest.mark.parametrize(
    ("time_cost", "memory_cost", "parallelism", "hash_len"),
    [(1, 64, 1, 16), (2, 1024, 4, 32), (3, 2048, 8, 64), (2, 4096, 3, 7)],
)
def test_its_argon2_is_argon2_cffi_s_byte_for_byte(
    kind, time_cost, memory_cost, parallelism, hash_len
):
    for password, salt in [(b"", b"saltsalt"), (PASSWORD.encode(), b"a-longer-fictional-salt")]:
        expected = argon2.low_level.hash_secret_raw(
            password,
            salt,
            time_cost=time_cost,
            memory_cost=memory_cost,
            parallelism=parallelism,
            hash_len=hash_len,
            type=kind,
        )
        params = argon2.Parameters(
            type=kind,
            version=argon2.low_level.ARGON2_VERSION,
            salt_len=len(salt),
            hash_len=hash_len,
            time_cost=time_cost,
            memory_cost=memory_cost,
            parallelism=parallelism,
        )
        assert hashers._argon2_raw(password, salt, params, hash_len) == expected


@pytest.mark.parametrize("kind", [argon2.Type.ID, argon2.Type.I, argon2.Type.D])
def test_it_verifies_argon2_cffi_s_hashes_of_every_type_and_rejects_a_wrong_password(kind):
    stored = "argon2" + argon2.PasswordHasher(**SMALL, type=kind).hash(PASSWORD)
    ours = LowPriorityArgon2PasswordHasher()
    assert ours.verify(PASSWORD, stored)
    assert not ours.verify(PASSWORD + "x", stored)
    assert not ours.verify("", stored)


@pytest.mark.parametrize(
    "tampered",
    [
        lambda h: h[:-1] + ("A" if h[-1] != "A" else "B"),  # another hash
        lambda h: h.replace("$m=1024,", "$m=2048,"),  # another memory cost
        lambda h: h.replace("$argon2id$", "$argon2i$"),  # another type
    ],
)
def test_a_hash_with_any_part_changed_does_not_verify(tampered):
    stored = "argon2" + argon2.PasswordHasher(**SMALL).hash(PASSWORD)
    assert LowPriorityArgon2PasswordHasher().verify(PASSWORD, stored)
    assert not LowPriorityArgon2PasswordHasher().verify(PASSWORD, tampered(stored))


@pytest.mark.parametrize(
    "stored",
    [
        "argon2$argon2id$garbage",
        "argon2$argon2xx$v=19$m=1024,t=2,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
        "argon2$argon2id$v=19$m=1024,t=2$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
        "argon2$argon2id$v=19$m=1024,t=2,p=4$not*base64$aGFzaGhhc2hoYXNoaGFzaA",
        "argon2$argon2id$v=19$m=1024,t=2,p=4$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",  # salt too short
    ],
)
def test_a_malformed_stored_hash_matches_no_password_instead_of_failing_the_sign_in(stored):
    assert LowPriorityArgon2PasswordHasher().verify(PASSWORD, stored) is False


def test_django_s_own_hasher_fails_on_such_a_hash():
    # Why ours answers False: Django's raises, and the sign-in page would fail with it.
    with pytest.raises(InvalidHashError):
        Argon2PasswordHasher().verify(PASSWORD, "argon2$argon2xx$v=19$m=1024,t=2,p=4$c2FsdA$aGFzaA")


def _mapped_bytes() -> int:
    total = 0
    with open("/proc/self/maps") as maps:
        for line in maps:
            start, end = (int(part, 16) for part in line.split()[0].split("-"))
            total += end - start
    return total


def test_a_hash_gives_its_memory_back_and_a_refused_one_raises():
    params = LowPriorityArgon2PasswordHasher().params()
    hashers._argon2_raw(b"warm", b"saltsalt", params, 32)
    before = _mapped_bytes()
    for _ in range(5):
        hashers._argon2_raw(PASSWORD.encode(), b"saltsalt", params, 32)
    # A call Argon2 refuses raises, as argon2-cffi's does, and holds nothing.
    too_many_lanes = dataclasses.replace(params, parallelism=2**24 + 1)
    with pytest.raises(HashingError):
        hashers._argon2_raw(PASSWORD.encode(), b"saltsalt", too_many_lanes, 32)
    assert not hasattr(hashers._held, "memory")
    # Five hashes of 100 MiB each kept would be 500 MiB more; allow the allocator its slack.
    assert _mapped_bytes() - before < params.memory_cost * 1024 // 2
