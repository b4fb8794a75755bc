"""The session's user (kentsoc.org.permissions.RoleBackend.get_user): read with their officer,
team, force and permissions in one query, whose SQL is compiled once per process."""

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from kentsoc.org import permissions
from kentsoc.org.permissions import RoleBackend
from tests.factories import UserFactory

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
