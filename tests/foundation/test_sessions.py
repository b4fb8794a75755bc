"""Sessions are Django's database sessions, read by one statement written once per process
(kentsoc/accounts/sessions.py)."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kentsoc.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _stored(**data) -> str:
    store = SessionStore()
    store.update(data)
    store.create()
    return store.session_key


def test_a_session_is_read_by_one_statement_compiled_once(monkeypatch):
    key = _stored(colour="blue")
    compiled = []
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(1))

    with CaptureQueriesContext(connection) as queries:
        data = SessionStore(key).load()

    assert data == {"colour": "blue"}
    assert len(queries.captured_queries) == 1
    assert compiled == []


def test_an_expired_or_unknown_session_reads_as_none():
    key = _stored(colour="blue")
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    expired, unknown = SessionStore(key), SessionStore("x" * 32)

    assert expired.load() == {} and expired.session_key is None
    assert unknown.load() == {} and unknown.session_key is None


def test_a_signed_in_officer_stays_signed_in_until_the_session_expires(client, supervisor):
    assert settings.SESSION_ENGINE == "kentsoc.accounts.sessions"
    client.force_login(supervisor)
    assert client.get("/").status_code == 200

    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    response = client.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]
