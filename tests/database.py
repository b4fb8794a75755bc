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
import fcntl
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
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


# What the migrated test database holds before any test runs (content types, permissions, the
# role groups, reference rows: what migrations and their post_migrate signal create), per table,
# in COPY's text format. Read once per process, when the database is set up.
_MIGRATED_ROWS: dict[str, bytes] = {}


def _owner_connection(alias: str):
    app = connections[alias]
    return type(app)({**app.settings_dict, **owner_credentials()}, alias)


def _read_migrated_rows(alias: str) -> dict[str, bytes]:
    """Each table holding rows after migrating (django_migrations aside), with its rows."""
    owner = _owner_connection(alias)
    try:
        quote = owner.ops.quote_name
        names = owner.introspection.table_names(include_views=False)
        tables = [t for t in names if t != "django_migrations"]
        with owner.cursor() as cursor:
            # Table names from the database's own catalogue, quoted: nothing from outside.
            cursor.execute(
                " UNION ALL ".join(
                    f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM {quote(t)})"  # noqa: S608
                    for t in tables
                )
            )
            filled = [row[0] for row in cursor.fetchall()]
            rows = {}
            for table in filled:
                with cursor.cursor.copy(f"COPY {quote(table)} TO STDOUT") as copy:
                    rows[table] = b"".join(bytes(block) for block in copy)
        return rows
    finally:
        owner.close()


def _flush_as_owner(self, **options) -> None:
    """Replaces `flush`, for this test run only. TransactionTestCase (transactional_db,
    live_server, the worker tests) empties every table with TRUNCATE after each test; the app's
    login may not truncate, and the audit trail's trigger refuses it to anyone. So the owner does
    it, on a connection of its own, with triggers bypassed for that session (which needs the
    superuser). Production has no such path: nothing in kentsoc calls `flush`.

    Between tests (no sequence reset asked for) the owner DELETEs instead, in one transaction
    and one round trip: a test leaves a handful of rows, and TRUNCATE syncs a new file to disk
    for every table and index, seconds per flush on a busy disk against a tenth of a second.
    Every table but django_migrations goes, knox_authtoken included (no model names it;
    TRUNCATE's CASCADE reached it through auth_user), as the bypassed triggers include the
    foreign keys'. Then, in the same transaction, the rows the migrated database held (content
    types, permissions, role groups, reference rows) are copied back as they were, ids and all,
    instead of running post_migrate again: its five hundred queries re-created the same rows and
    were most of a transactional test's teardown."""
    database = options["database"]
    owner = _owner_connection(database)
    restore = not options.get("inhibit_post_migrate", False)
    try:
        if options.get("reset_sequences", True):
            restore = False
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
            if statements:
                cursor.execute(";\n".join(statements))
            if restore:
                for table, rows in _MIGRATED_ROWS.items():
                    into = f"COPY {owner.ops.quote_name(table)} FROM STDIN"
                    with cursor.cursor.copy(into) as copy:
                        copy.write(rows)
        owner.commit()
    finally:
        owner.close()
    if restore:
        # The same rows with the same ids; a content type a test made and cached is gone.
        ContentType.objects.clear_cache()
    elif statements and not options.get("inhibit_post_migrate", False):
        emit_post_migrate_signal(options["verbosity"], options["interactive"], database)


def template_name(test_name: str) -> str:
    """The migrated database the xdist workers of a run copy theirs from."""
    return f"{test_name}_template"


def _lock_path(name: str) -> Path:
    return Path(tempfile.gettempdir()) / f"kentsoc-{name}.lock"


def _create_from_template(worker: str, run: str, create_test_db: Callable) -> Callable:
    """Replaces DatabaseCreation.create_test_db on an xdist worker. Migrating takes a worker
    tens of seconds of CPU, and every worker used to do it at once, on a machine with fewer
    cores than workers; now the first worker of the run migrates one database (the run's
    template) and every worker copies it (CREATE DATABASE ... TEMPLATE: a file copy, about a
    second): the same tables, rows, grants and triggers, migrated once."""

    def create_from_template(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        name = self._get_test_db_name()
        template = template_name(name.removesuffix(f"_{worker}"))
        test_settings = self.connection.settings_dict["TEST"]
        lock = _lock_path(template)
        with lock.open("a+") as handle:
            # One worker at a time: the first builds the template, the others wait for it.
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.seek(0)
            if handle.read() != run:
                test_settings["NAME"] = template
                try:
                    create_test_db(self, verbosity, True, False, False)
                finally:
                    test_settings["NAME"] = name
                handle.seek(0)
                handle.truncate()
                handle.write(run)
                handle.flush()
            # CREATE DATABASE ... TEMPLATE needs nobody connected to the template.
            self.connection.close()
            quote = self.connection.ops.quote_name
            with self._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
                cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")
        settings.DATABASES[self.connection.alias]["NAME"] = name
        self.connection.settings_dict["NAME"] = name
        if serialize:
            self.connection._test_serialized_contents = self.serialize_db_to_string()
        self.connection.ensure_connection()
        return name

    return create_from_template


def drop_template(test_name: str) -> None:
    """After an xdist run, its template database goes (as the workers' own databases do)."""
    owner = owner_credentials()
    if owner is None:
        return
    template = template_name(test_name)
    with psycopg.connect(
        host=owner["HOST"],
        port=owner["PORT"] or 5432,
        user=owner["USER"],
        password=owner["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(template)))
    _lock_path(template).unlink(missing_ok=True)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix, django_db_keepdb
) -> Iterator[None]:
    """Before pytest-django creates and migrates the test database: log in as the owner; on an
    xdist worker, copy the run's template instead of migrating (unless --reuse-db)."""
    owner, app = require_two_logins()
    _ensure_login_role(owner, app)
    use_credentials(connection, owner)
    worker, run = os.environ.get("PYTEST_XDIST_WORKER"), os.environ.get("PYTEST_XDIST_TESTRUNUID")
    patch = pytest.MonkeyPatch()
    if worker and run and not django_db_keepdb:
        creation = type(connection.creation)
        patch.setattr(
            creation, "create_test_db", _create_from_template(worker, run, creation.create_test_db)
        )
    try:
        yield
    finally:
        patch.undo()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The test database exists and is migrated: from here on, the app's login."""
    owner, app = require_two_logins()
    use_credentials(connection, app)
    with django_db_blocker.unblock():
        _MIGRATED_ROWS.update(_read_migrated_rows(connection.alias))
    patch = pytest.MonkeyPatch()
    patch.setattr(flush.Command, "handle", _flush_as_owner)
    try:
        yield
    finally:
        patch.undo()
        # pytest-django drops the test database next (unless --reuse-db): the owner's job.
        with django_db_blocker.unblock():
            use_credentials(connection, owner)
