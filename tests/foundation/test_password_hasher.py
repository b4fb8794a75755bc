"""New passwords are hashed with Django's Argon2id at Django's own parameters; PBKDF2 hashes
written before still verify (at full strength) and are replaced at the next sign-in; both do
their work on threads of a lower CPU priority (kentsoc/accounts/hashers.py)."""

import os
import threading

import argon2
import django.utils.crypto
import pytest
from django.contrib.auth.hashers import (
    Argon2PasswordHasher,
    PBKDF2PasswordHasher,
    check_password,
    identify_hasher,
    make_password,
)
from django.utils.module_loading import import_string

from kentsoc import settings as project_settings
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
        monkeypatch.setattr(argon2.low_level, "hash_secret", watch(argon2.low_level.hash_secret))
        monkeypatch.setattr(argon2.PasswordHasher, "verify", watch(argon2.PasswordHasher.verify))
    before = _niceness()
    encoded = make_password(PASSWORD)
    assert check_password(PASSWORD, encoded)
    assert len(seen) == 2  # encoding, then verifying
    for thread_id, niceness in seen:
        assert thread_id != threading.get_native_id()
        assert niceness >= min(before + HASH_NICENESS, 19)
    assert _niceness() == before
