"""Django's database sessions, with the read every request makes written once per process.

Every request reads its session row before anything else (the signed-in user's id is in it):
Django's store builds, compiles and runs `Session.objects.get(session_key=..., expire_date__gt=
now)` and makes a model row of it, about a thousand Python calls, to read one column. This store
reads that column with the same statement written out once; creating, saving, cycling and
deleting sessions are Django's own.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from django.utils import timezone

# Database vendor -> the statement (its quoting is the vendor's).
_read_sql: dict[str, str] = {}


def _statement(model: type[Model], connection: BaseDatabaseWrapper) -> str:
    sql = _read_sql.get(connection.vendor)
    if sql is None:
        quote, opts = connection.ops.quote_name, model._meta
        table, data = quote(opts.db_table), quote(opts.get_field("session_data").column)
        key, expires = (quote(opts.get_field(n).column) for n in ("session_key", "expire_date"))
        # The model's own table and column names, quoted: nothing a request sends reaches it.
        sql = _read_sql[connection.vendor] = (
            f"SELECT {data} FROM {table} WHERE {key} = %s AND {expires} > %s"  # noqa: S608
        )
    return sql


class SessionStore(db.SessionStore):
    def load(self) -> dict[str, Any]:
        """The session's data, or {} (and no key) when it is missing or has expired, as
        Django's load() gives it."""
        data = self._session_data_from_db()
        if data is None:
            self._session_key = None
            return {}
        return self.decode(data)

    def _session_data_from_db(self) -> str | None:
        if not self.session_key:
            return None
        connection = connections[router.db_for_read(self.model)]
        # As the ORM writes a datetime for this database (SQLite stores text).
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(_statement(self.model, connection), [self.session_key, now])
            row = cursor.fetchone()
        return None if row is None else row[0]
