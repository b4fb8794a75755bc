"""Permissions come from the officer's role and from nothing else.

Django gives a user flagged `is_superuser` every permission twice over: `User.has_perm` answers
True before asking any backend, and ModelBackend lists every permission for them. In kentsoc the
flag grants nothing (issue 13, separation of duties): the administrator manages users and sees no
police data, and an account made with `createsuperuser` is no way around need-to-know.

- `RoleBackend` replaces ModelBackend: a user's permissions are those of their groups (the role
  groups of kentsoc.org.roles), only while they have an officer profile whose password is their
  own. Permissions given to one account directly are ignored: a role is the only way to hold one.
  The session's user is read with their officer, team, force and permissions in one query
  (`get_user`): every request needs all of them, and they were four round trips. That query is
  compiled once per process (`SessionUserQuery`): building and compiling its four-table join was
  most of what every request paid before its view ran.
- `drop_superuser_shortcut()` (run from OrgConfig.ready) removes the shortcut from
  `PermissionsMixin.has_perm` / `has_module_perms`, so every check, in views, services, the admin
  and templates (`perms`), asks the backends.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import (
    Group,
    Permission,
    PermissionsMixin,
    _auser_has_module_perms,
    _auser_has_perm,
    _user_has_module_perms,
    _user_has_perm,
)
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.db.models.expressions import RawSQL
from django.db.models.query import get_related_populators

from kentsoc.org.scoping import remember_officer

_CACHE = "_kentsoc_role_perm_cache"
_READ = "kentsoc_role_permissions"


def _permissions_sql() -> str:
    """The user row's permissions through their groups, as "app_label.codename" joined by commas
    (a correlated subquery of the user query: what get_group_permissions' query reads)."""
    qn = connection.ops.quote_name
    user_model = get_user_model()
    joined = "string_agg" if connection.vendor == "postgresql" else "group_concat"
    # The models' own table and column names, quoted: nothing typed reaches this SQL.
    return (
        f"SELECT {joined}(ct.app_label || '.' || p.codename, ',') "  # noqa: S608
        f"FROM {qn(Permission._meta.db_table)} p "
        f"JOIN {qn(ContentType._meta.db_table)} ct ON ct.id = p.content_type_id "
        f"JOIN {qn(Group.permissions.through._meta.db_table)} gp ON gp.permission_id = p.id "
        f"JOIN {qn(user_model.groups.through._meta.db_table)} ug ON ug.group_id = gp.group_id "
        f"WHERE ug.user_id = {qn(user_model._meta.db_table)}.{qn(user_model._meta.pk.column)}"
    )


def converted(row: tuple[Any, ...], converters: list[Any], db: Any) -> list[Any]:
    """A row read with a compiled statement, each column through the ORM's converters for it
    (`compiler.get_converters(...).items()`), as a queryset would give it."""
    values = list(row)
    for position, (functions, expression) in converters:
        value = values[position]
        for function in functions:
            value = function(value, expression, db)
        values[position] = value
    return values


class SessionUserQuery:
    """The session user's row, with their officer profile, its team and force, the officer's
    division (the home page names it; its own query on every home page cost more than the join)
    (select_related) and their permissions (`_READ`), as Django's ModelIterable reads a
    queryset's rows: the queryset is built and compiled once per process and database, then only
    run. Its SQL takes nothing but the user's id, so the statement is the same for every
    request."""

    _SENTINEL = -7_364_901

    def __init__(self, alias: str) -> None:
        user_model = get_user_model()
        # RawSQL: the model's own table names, no parameter.
        queryset = (
            user_model._default_manager.using(alias)
            .select_related("officer__team__force", "officer__division")
            .annotate(**{_READ: RawSQL(_permissions_sql(), ())})  # noqa: S611
            .filter(pk=self._SENTINEL)
        )
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        if list(params) != [self._SENTINEL]:
            raise RuntimeError(f"the session user's query takes {params!r}, not just the id")
        self.sql = sql
        self.alias = alias
        # Written for PREPARE: the id as $1, a literal percent sign left doubled for the
        # message's own binding.
        digest = hashlib.blake2b(sql.encode(), digest_size=12).hexdigest()
        self.prepared_name = f"session_user_{digest}"
        self.preparation = f"PREPARE {self.prepared_name}(int8) AS {sql.replace('%s', '$1')}"
        select, klass_info = compiler.select, compiler.klass_info
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        self.model = klass_info["model"]
        self.columns = slice(first, last)
        self.init_list = [column[0].target.attname for column in select[first:last]]
        self.populators = get_related_populators(klass_info, select, alias)
        self.annotations = dict(compiler.annotation_col_map)
        self.converters = list(
            compiler.get_converters([column[0] for column in select[: compiler.col_count]]).items()
        )

    def get(self, user_id: Any) -> Any | None:
        """The user with id `user_id`, as `.get(pk=user_id)` of the queryset gives them, or None."""
        db = connections[self.alias]
        if db.vendor == "postgresql" and settings.DASHBOARD_PREPARED_STATEMENTS:
            row = self._run_prepared(db, user_id)
        else:
            with db.cursor() as cursor:
                cursor.execute(self.sql, [user_id])
                row = cursor.fetchone()
        if row is None:
            return None
        row = converted(row, self.converters, db)
        user = self.model.from_db(self.alias, self.init_list, row[self.columns])
        for populator in self.populators:
            populator.populate(row, user)
        for name, position in self.annotations.items():
            setattr(user, name, row[position])
        return user

    def _run_prepared(self, db: Any, user_id: Any) -> tuple[Any, ...] | None:
        """The user's row, the statement run by name, prepared first in the same message on a
        connection that lacks it: planning the four-table join and the permissions' subquery
        took PostgreSQL longer than running it (0.7-0.9 ms against 0.3), on every request."""
        db.ensure_connection()
        raw = db.connection
        if raw in _unsure_users:
            with db.cursor() as cursor:
                cursor.execute(
                    "SELECT 1 FROM pg_prepared_statements WHERE name = %s", [self.prepared_name]
                )
                if cursor.fetchone() is None:
                    _users_prepared.discard(raw)
                else:
                    _users_prepared.add(raw)
            _unsure_users.discard(raw)
        held = raw in _users_prepared
        parts = [] if held else [self.preparation]
        parts.append(f"EXECUTE {self.prepared_name}(%s)")
        with db.cursor() as cursor:
            try:
                cursor.execute(";\n".join(parts), [user_id])
            except Exception:
                # The PREPARE may have run (it outlives a failed statement): the connection
                # is asked before the next.
                _unsure_users.add(raw)
                raise
            while cursor.nextset():
                pass
            row = cursor.fetchone()
        _users_prepared.add(raw)
        return row


# The psycopg connections that hold the session user's statement prepared, and those whose
# last message failed part way. One statement a connection, under its own prefix: the other
# modules' statements are dropped by theirs.
_users_prepared: weakref.WeakSet[Any] = weakref.WeakSet()
_unsure_users: weakref.WeakSet[Any] = weakref.WeakSet()


# (database alias, vendor) -> its compiled query. A process serves one database; tests may
# switch vendors, whose SQL differs.
_session_user_queries: dict[tuple[str, str], SessionUserQuery] = {}
_session_user_lock = threading.Lock()


def _session_user_query(alias: str = "default") -> SessionUserQuery:
    key = (alias, connections[alias].vendor)
    query = _session_user_queries.get(key)
    if query is None:
        with _session_user_lock:
            query = _session_user_queries.get(key) or SessionUserQuery(alias)
            _session_user_queries[key] = query
    return query


class RoleBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        """The signed-in user of a session, with their officer profile, its team and force
        (kept for kentsoc.org.scoping.officer_for) and their permissions, in one query. The
        permissions are kept only for an officer whose password is their own, as
        get_group_permissions' own query would give them."""
        user_model = get_user_model()
        try:
            user = _session_user_query().get(user_model._meta.pk.to_python(user_id))
        except ValidationError:
            return None
        if user is None or not self.user_can_authenticate(user):
            return None
        names = user.__dict__.pop(_READ)
        # select_related caches None when there is no profile.
        officer = user_model.officer.related.get_cached_value(user)
        remember_officer(user, officer)
        own_password = officer is not None and not officer.must_change_password
        setattr(user, _CACHE, set(names.split(",")) if names and own_password else set())
        return user

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, _CACHE):
            # One filter() call: both conditions hold for the same user row of the group, so
            # this is "groups of this user, who has an officer profile with their own password".
            perms = Permission.objects.filter(
                group__user=user_obj, group__user__officer__must_change_password=False
            ).values_list("content_type__app_label", "codename")
            setattr(user_obj, _CACHE, {f"{app}.{codename}" for app, codename in perms})
        return getattr(user_obj, _CACHE)

    async def aget_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    async def aget_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return await sync_to_async(self.get_group_permissions)(user_obj, obj)


def forget_permissions(user: Any) -> None:
    """Drop the cached permissions after a user's role or password flag changed."""
    for attr in (_CACHE, "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        if hasattr(user, attr):
            delattr(user, attr)


def _has_perm(self: PermissionsMixin, perm: str, obj: Any = None) -> bool:
    return _user_has_perm(self, perm, obj)


async def _ahas_perm(self: PermissionsMixin, perm: str, obj: Any = None) -> bool:
    return await _auser_has_perm(self, perm, obj)


def _has_module_perms(self: PermissionsMixin, app_label: str) -> bool:
    return _user_has_module_perms(self, app_label)


async def _ahas_module_perms(self: PermissionsMixin, app_label: str) -> bool:
    return await _auser_has_module_perms(self, app_label)


def drop_superuser_shortcut() -> None:
    """Make PermissionsMixin's checks ask the backends for superusers too.

    Django's methods are `if self.is_active and self.is_superuser: return True` followed by the
    backend loop (django.contrib.auth.models._user_has_perm and friends); these are that loop
    alone. A custom user model would be the other way to change them, at the price of migrating
    every foreign key to users.
    """
    PermissionsMixin.has_perm = _has_perm
    PermissionsMixin.ahas_perm = _ahas_perm
    PermissionsMixin.has_module_perms = _has_module_perms
    PermissionsMixin.ahas_module_perms = _ahas_module_perms
