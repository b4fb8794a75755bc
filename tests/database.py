"""The test run's two database logins, as in production (kentsoc/audit/database.py).

The database owner (MIGRATE_DATABASE_URL; `make test` uses the postgres superuser) creates the app's
login role if it is missing, creates the test database and migrates it, which grants the app its
privileges. Every test then runs as the app's login (DATABASE_URL): the test client, live_server's
threads and the Celery workers tests start all connect with these shared settings. Only the
teardown of the test database, and the flush between transactional tests, go back to the owner.

tests/conftest.py imports the fixtures below, overriding pytest-django's.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import psycopg
import pytest
from django.core.management.color import no_style
from django.core.management.commands import flush
from django.core.management.sql import emit_post_migrate_signal, sql_flush
from django.db import connection, connections
from psycopg import errors, sql

from kentsoc.audit.database import app_credentials, owner_credentials, use_credentials


def require_two_logins() -> tuple[dict, dict]:
    owner, app = owner_credentials(), app_credentials()
    if owner is None or owner["USER"] == app["USER"]:
        raise pytest.UsageError(
            "kentsoc tests run as the app's own database login, with migrations as the owner: "
            "set DATABASE_URL=postgres://kentsoc_app@127.0.0.1:5432/kentsoc and "
            "MIGRATE_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kentsoc "
            "(make test does this for you)."
        )
    return owner, app


def _ensure_login_role(owner: dict, app: dict) -> None:
    """CREATE ROLE for the app's login unless it exists (a fresh CI machine has none)."""
    role = app["USER"]
    with psycopg.connect(
        host=owner["HOST"],
        port=owner["PORT"] or 5432,
        user=owner["USER"],
        password=owner["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone():
            return
        statement = sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role))
        if app["PASSWORD"]:
            statement += sql.SQL(" PASSWORD {}").format(sql.Literal(app["PASSWORD"]))
        # Another test run may have created it a moment ago.
        with contextlib.suppress(errors.DuplicateObject, errors.UniqueViolation):
            conn.execute(statement)


def _flush_as_owner(self, **options) -> None:
    """Replaces `flush`, for this test run only. TransactionTestCase (transactional_db,
    live_server, the worker tests) empties every table with TRUNCATE after each test; the app's
    login may not truncate, and the audit trail's trigger refuses it to anyone. So the owner does
    it, on a connection of its own, with triggers bypassed for that session (which needs the
    superuser). Production has no such path: nothing in kentsoc calls `flush`.

    Between tests (no sequence reset asked for) the owner DELETEs instead, in one transaction:
    a test leaves a handful of rows, and TRUNCATE syncs a new file to disk for every table and
    index, seconds per flush on a busy disk against a tenth of a second. Every table but
    django_migrations goes, knox_authtoken included (no model names it; TRUNCATE's CASCADE
    reached it through auth_user), as the bypassed triggers include the foreign keys'."""
    database = options["database"]
    app = connections[database]
    owner = type(app)({**app.settings_dict, **owner_credentials()}, database)
    try:
        if options.get("reset_sequences", True):
            statements = sql_flush(
                no_style(),
                owner,
                reset_sequences=True,
                # CASCADE: a table a third-party migration made for a swapped-out model (django-
                # rest-knox's AuthToken) still references auth_user, and no model names it.
                allow_cascade=True,
            )
        else:
            statements = [
                f"DELETE FROM {owner.ops.quote_name(table)}"  # noqa: S608  (names from the catalog)
                for table in owner.introspection.table_names(include_views=False)
                if table != "django_migrations"
            ]
        owner.set_autocommit(False)
        with owner.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            for statement in statements:
                cursor.execute(statement)
        owner.commit()
    finally:
        owner.close()
    if statements and not options.get("inhibit_post_migrate", False):
        emit_post_migrate_signal(options["verbosity"], options["interactive"], database)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix) -> None:
    """Before pytest-django creates and migrates the test database: log in as the owner."""
    owner, app = require_two_logins()
    _ensure_login_role(owner, app)
    use_credentials(connection, owner)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The test database exists and is migrated: from here on, the app's login."""
    owner, app = require_two_logins()
    use_credentials(connection, app)
    patch = pytest.MonkeyPatch()
    patch.setattr(flush.Command, "handle", _flush_as_owner)
    try:
        yield
    finally:
        patch.undo()
        # pytest-django drops the test database next (unless --reuse-db): the owner's job.
        with django_db_blocker.unblock():
            use_credentials(connection, owner)
