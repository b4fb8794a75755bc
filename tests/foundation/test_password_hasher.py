"""The password hasher is Django's PBKDF2 at its full strength, its work done by threads of a
lower CPU priority (kentsoc/accounts/hashers.py)."""

import os
import threading

import django.utils.crypto
from django.contrib.auth.hashers import (
    PBKDF2PasswordHasher,
    check_password,
    make_password,
)
from django.utils.module_loading import import_string

from kentsoc import settings as project_settings
from kentsoc.accounts.hashers import HASH_NICENESS, LowPriorityPBKDF2PasswordHasher

PASSWORD = "fictional-password-for-a-test-9"  # noqa: S105


def _niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_the_project_hashes_with_it_at_djangos_full_strength():
    # The project's own settings (the suite hashes with MD5 for speed: tests/conftest.py).
    assert project_settings.PASSWORD_HASHERS[0] == (
        "kentsoc.accounts.hashers.LowPriorityPBKDF2PasswordHasher"
    )
    hasher = import_string(project_settings.PASSWORD_HASHERS[0])()
    assert hasher.algorithm == "pbkdf2_sha256"
    assert hasher.iterations == PBKDF2PasswordHasher.iterations >= 1_000_000


def test_its_hashes_are_djangos_and_djangos_are_its():
    ours, django_s = LowPriorityPBKDF2PasswordHasher(), PBKDF2PasswordHasher()
    salt = "fictionalsalt1234"
    assert ours.encode(PASSWORD, salt, 1000) == django_s.encode(PASSWORD, salt, 1000)
    assert ours.verify(PASSWORD, django_s.encode(PASSWORD, salt, 1000))
    assert not ours.verify(PASSWORD + "x", django_s.encode(PASSWORD, salt, 1000))


def test_it_hashes_at_a_lower_priority_than_the_request_and_leaves_the_request_s(
    monkeypatch, settings
):
    settings.PASSWORD_HASHERS = ["kentsoc.accounts.hashers.LowPriorityPBKDF2PasswordHasher"]
    seen = []
    real = django.utils.crypto.pbkdf2

    def pbkdf2(*args, **kwargs):
        seen.append((threading.get_native_id(), _niceness()))
        return real(*args, **kwargs)

    monkeypatch.setattr("django.contrib.auth.hashers.pbkdf2", pbkdf2)
    before = _niceness()
    encoded = make_password(PASSWORD)
    assert check_password(PASSWORD, encoded)
    assert len(seen) == 2
    for thread_id, niceness in seen:
        assert thread_id != threading.get_native_id()
        assert niceness >= min(before + HASH_NICENESS, 19)
    assert _niceness() == before
