"""A psycopg connection to the test database as its owner (MIGRATE_DATABASE_URL): the one actor
the audit tests play besides the app, to tamper with the trail the way only the owner can."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from django.db import connection

from kentsoc.audit.database import owner_credentials


@contextmanager
def owner_connection() -> Iterator[psycopg.Connection]:
    owner = owner_credentials()
    with psycopg.connect(
        host=owner["HOST"],
        port=owner["PORT"] or 5432,
        user=owner["USER"],
        password=owner["PASSWORD"] or None,
        dbname=connection.settings_dict["NAME"],
        autocommit=True,
    ) as conn:
        yield conn


def tamper(statement: str, params: list | None = None) -> None:
    """Run `statement` as the owner with the append-only trigger off, as a DBA covering tracks
    would (the app's login cannot: test_database_roles.py)."""
    with owner_connection() as conn, conn.transaction():
        conn.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only")
        conn.execute(statement, params)
        conn.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_auditevent_append_only")
