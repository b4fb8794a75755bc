"""The app's own database login cannot rewrite the audit trail; the whole suite runs as it.

Every test in this run connects as the app's login (DATABASE_URL, `kentsoc_app` under make test),
which owns nothing and may only read and add audit rows; migrations ran as the owner
(MIGRATE_DATABASE_URL). See kentsoc/audit/database.py and tests/database.py."""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import urlparse

import psycopg
import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.database import app_credentials, owner_credentials
from kentsoc.audit.models import AuditEvent
from kentsoc.audit.services import audit_record
from tests.audit.owner import owner_connection
from tests.integration.worker import _database_url
from tests.security.test_deploy import production_env

AUDIT = AuditEvent._meta.db_table

# What somebody holding the app's login (a compromised web server) would try against the trail.
REFUSED = [
    "TRUNCATE audit_auditevent",
    "DELETE FROM audit_auditevent",
    "UPDATE audit_auditevent SET reason = 'tidied up'",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_append_only",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_auditevent_chain",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
    "SET session_replication_role = replica",
    "DROP TRIGGER audit_auditevent_no_truncate ON audit_auditevent",
    "DROP TABLE audit_auditevent",
    "ALTER TABLE audit_auditevent RENAME TO audit_old",
    "SELECT setval('audit_auditevent_id_seq', 1)",
    "CREATE OR REPLACE FUNCTION audit_auditevent_chain() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
    "CREATE TABLE audit_copy (id bigint)",
]


def _current_role() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, "
            "       rolreplication "
            "FROM pg_roles WHERE rolname = current_user"
        )
        return cursor.fetchone()


@pytest.mark.django_db
def test_the_suite_runs_as_the_apps_own_login_which_owns_nothing():
    app = app_credentials()["USER"]
    assert app != owner_credentials()["USER"]
    # The settings every thread's connection is made from: the test client's, live_server's.
    assert settings.DATABASES["default"]["USER"] == app
    assert _current_role() == (app, False, False, False, False, False)
    # Celery workers started by the integration tests log in the same way.
    assert urlparse(_database_url()).username == app
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND pg_get_userbyid(c.relowner) = current_user"
        )
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db
def test_the_app_reads_and_adds_to_the_trail_and_nothing_else():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p, has_table_privilege(%s, p) FROM unnest(%s::text[]) AS p",
            [AUDIT, ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"]],
        )
        assert dict(cursor.fetchall()) == {
            "SELECT": True,
            "INSERT": True,
            "UPDATE": False,
            "DELETE": False,
            "TRUNCATE": False,
            "REFERENCES": False,
            "TRIGGER": False,
        }
        # Every other table: rows only, never TRUNCATE.
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> %s "
            "AND NOT (has_table_privilege(c.oid, 'SELECT') AND has_table_privilege(c.oid, 'INSERT')"
            "    AND has_table_privilege(c.oid, 'UPDATE') AND has_table_privilege(c.oid, 'DELETE')"
            "    AND NOT has_table_privilege(c.oid, 'TRUNCATE'))",
            [AUDIT],
        )
        assert cursor.fetchall() == []


@pytest.mark.django_db
@pytest.mark.parametrize("statement", REFUSED)
def test_the_app_login_cannot_rewrite_or_unprotect_the_trail(statement, coordinator):
    event = audit_record(actor=coordinator, action=AuditAction.VIEW, object_type="ocg.ocg")

    with (
        pytest.raises(DatabaseError, match="permission denied|must be owner"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)

    assert AuditEvent.objects.get(pk=event.pk).reason == ""
    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET reason = 'tidied up'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
    ],
)
def test_even_the_owner_is_refused_by_the_triggers(statement, coordinator):
    audit_record(actor=coordinator, action=AuditAction.VIEW, object_type="ocg.ocg")

    with owner_connection() as conn, pytest.raises(psycopg.DatabaseError, match="append-only"):
        conn.execute(statement)

    assert AuditEvent.objects.filter(reason="").count() == 1


def test_check_deploy_warns_when_the_app_would_log_in_as_the_owner():
    env = production_env()
    env.pop("MIGRATE_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "kentsoc.W001" in result.stdout + result.stderr
    assert "MIGRATE_DATABASE_URL is not set" in result.stdout + result.stderr
