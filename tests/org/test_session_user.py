"""The session's user (kentsoc.org.permissions.RoleBackend.get_user): read with their officer,
team, force and permissions in one query, whose SQL is compiled once per process."""

import pytest
from django.db import ProgrammingError, connection, transaction
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from kentsoc.org import permissions
from kentsoc.org.permissions import RoleBackend
from tests.factories import UserFactory
from tests.prepared import every_module_forgets

pytestmark = pytest.mark.django_db


def test_an_officer_is_read_with_their_profile_and_permissions_in_one_query(supervisor):
    with CaptureQueriesContext(connection) as queries:
        user = RoleBackend().get_user(supervisor.pk)
        officer = user.officer
        force = officer.team.force

    assert len(queries.captured_queries) == 1
    assert (user.pk, user.username, user.password) == (
        supervisor.pk,
        supervisor.username,
        supervisor.password,
    )
    assert officer.pk == supervisor.officer.pk and officer.user is user
    assert force.pk == supervisor.officer.team.force_id
    assert user.has_perm("ocg.view_ocg")
    assert user.get_all_permissions() == RoleBackend().get_group_permissions(
        type(user).objects.get(pk=supervisor.pk)
    )


def test_who_has_no_profile_is_read_without_one_and_holds_no_permission():
    plain = UserFactory(username="no.profile")

    user = RoleBackend().get_user(plain.pk)

    assert user.pk == plain.pk
    assert not hasattr(user, "officer")
    assert user.get_all_permissions() == set()


def test_an_officer_whose_password_an_administrator_set_holds_no_permission(supervisor):
    supervisor.officer.must_change_password = True
    supervisor.officer.save(update_fields=["must_change_password"])

    user = RoleBackend().get_user(supervisor.pk)

    assert user.officer.must_change_password
    assert user.get_all_permissions() == set()


def test_nobody_is_read_for_an_unknown_or_inactive_user(supervisor):
    supervisor.is_active = False
    supervisor.save(update_fields=["is_active"])

    assert RoleBackend().get_user(supervisor.pk) is None
    assert RoleBackend().get_user(supervisor.pk + 1000) is None


def test_the_query_is_compiled_once_per_process(supervisor, analyst, monkeypatch):
    permissions._session_user_queries.clear()
    RoleBackend().get_user(supervisor.pk)
    compiled = []
    as_sql = SQLCompiler.as_sql

    def counted(self, *args, **kwargs):
        compiled.append(self.query.model)
        return as_sql(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counted)

    assert RoleBackend().get_user(analyst.pk).pk == analyst.pk
    assert compiled == []


def _deallocate() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    every_module_forgets()


def test_the_statement_is_prepared_once_per_connection(settings, supervisor, analyst):
    settings.DASHBOARD_PREPARED_STATEMENTS = True
    _deallocate()
    with CaptureQueriesContext(connection) as first:
        assert RoleBackend().get_user(supervisor.pk).pk == supervisor.pk
    with CaptureQueriesContext(connection) as second:
        assert RoleBackend().get_user(analyst.pk).pk == analyst.pk
        assert RoleBackend().get_user(analyst.pk + 1000) is None

    assert "PREPARE" in first[0]["sql"] and "EXECUTE session_user_" in first[0]["sql"]
    assert len(second) == 2
    assert all("PREPARE" not in q["sql"] and "EXECUTE session_user_" in q["sql"] for q in second)
    _deallocate()


def test_a_connection_that_lost_the_statement_prepares_it_again(settings, supervisor):
    settings.DASHBOARD_PREPARED_STATEMENTS = True
    _deallocate()
    RoleBackend().get_user(supervisor.pk)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    with pytest.raises(ProgrammingError, match="does not exist"), transaction.atomic():
        RoleBackend().get_user(supervisor.pk)

    with CaptureQueriesContext(connection) as again:
        assert RoleBackend().get_user(supervisor.pk).pk == supervisor.pk
    # The connection was asked what it holds, then the statement prepared again.
    assert "pg_prepared_statements" in again[0]["sql"] and "PREPARE" in again[1]["sql"]
    _deallocate()


def test_the_statement_is_sent_whole_when_connections_keep_no_prepare(settings, supervisor):
    settings.DASHBOARD_PREPARED_STATEMENTS = False
    with CaptureQueriesContext(connection) as queries:
        assert RoleBackend().get_user(supervisor.pk).pk == supervisor.pk
    assert "EXECUTE" not in queries[0]["sql"]
