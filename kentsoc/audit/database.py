"""Two PostgreSQL logins: the database owner runs migrations, the app only reads and writes rows.

The app's login (`DATABASE_URL`) may add to the audit trail and read it, never change, remove or
truncate it, and as it owns nothing it cannot disable a trigger either. The owner
(`MIGRATE_DATABASE_URL`) creates the tables, so after every `migrate` it grants the app what it
needs on them. With `MIGRATE_DATABASE_URL` unset (the SQLite demo, a one-login setup) migrations
run as `DATABASE_URL` and nothing is granted.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dj_database_url
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import BaseDatabaseWrapper

from kentsoc.audit.models import AuditEvent

# What a login is; the database name stays the connection's own (the test database in tests).
CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")
APP_TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE"
APP_SEQUENCE_PRIVILEGES = "USAGE, SELECT"
# Everything on the audit table but reading and adding rows.
AUDIT_REVOKED = "UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER"


def _credentials(url: str) -> dict:
    parsed = dj_database_url.parse(url)
    credentials = {key: parsed[key] for key in CREDENTIALS}
    credentials["OPTIONS"] = parsed.get("OPTIONS", {})
    return credentials


def app_credentials() -> dict:
    return _credentials(settings.DATABASE_URL)


def owner_credentials() -> dict | None:
    """The owner's login from MIGRATE_DATABASE_URL, or None when migrations use DATABASE_URL.

    Both URLs must name the same database: the owner migrates the database the app uses."""
    url = getattr(settings, "MIGRATE_DATABASE_URL", None)
    if not url:
        return None
    if not settings.DATABASE_URL:
        raise ImproperlyConfigured("MIGRATE_DATABASE_URL is set but DATABASE_URL is not.")
    owner, app = dj_database_url.parse(url), dj_database_url.parse(settings.DATABASE_URL)
    if owner["NAME"] != app["NAME"]:
        raise ImproperlyConfigured(
            f"MIGRATE_DATABASE_URL names database {owner['NAME']!r} but DATABASE_URL names "
            f"{app['NAME']!r}: the owner must migrate the database the app uses."
        )
    credentials = _credentials(url)
    password = getattr(settings, "MIGRATE_DATABASE_PASSWORD", None)
    if password:
        credentials["PASSWORD"] = password
    return credentials


def use_credentials(connection: BaseDatabaseWrapper, credentials: dict) -> None:
    """Log `connection` in as someone else from its next query on (its settings are shared by
    every thread's connection to this alias)."""
    connection.close()
    connection.settings_dict.update(credentials)


@contextmanager
def as_owner(connection: BaseDatabaseWrapper) -> Iterator[dict | None]:
    """Inside, `connection` is logged in as the owner (when MIGRATE_DATABASE_URL is set)."""
    owner = owner_credentials() if connection.vendor == "postgresql" else None
    if owner is None:
        yield None
        return
    before = {key: connection.settings_dict.get(key) for key in owner}
    use_credentials(connection, owner)
    try:
        yield owner
    finally:
        use_credentials(connection, before)


def grant_app_privileges(connection: BaseDatabaseWrapper, *, app_role: str) -> None:
    """As the owner: the app role reads and writes every table, uses every sequence (now and for
    tables created later), and may only read and add to the audit trail."""
    quote = connection.ops.quote_name
    role = quote(app_role)
    audit_table = quote(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_schema()")
        owner, schema = cursor.fetchone()
        if owner == app_role:
            raise ImproperlyConfigured(
                "MIGRATE_DATABASE_URL logs in as the same role as DATABASE_URL: the app's login "
                "must not own its tables."
            )
        schema = quote(schema)
        for statement in (
            f"GRANT USAGE ON SCHEMA {schema} TO {role}",
            f"GRANT {APP_TABLE_PRIVILEGES} ON ALL TABLES IN SCHEMA {schema} TO {role}",
            f"GRANT {APP_SEQUENCE_PRIVILEGES} ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {quote(owner)} IN SCHEMA {schema} "
            f"GRANT {APP_TABLE_PRIVILEGES} ON TABLES TO {role}",
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {quote(owner)} IN SCHEMA {schema} "
            f"GRANT {APP_SEQUENCE_PRIVILEGES} ON SEQUENCES TO {role}",
            f"REVOKE {AUDIT_REVOKED} ON {audit_table} FROM {role}",
        ):
            cursor.execute(statement)
