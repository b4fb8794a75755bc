"""Who may see what: the one place record visibility is decided.

Every model that holds police data has a QuerySet with `visible_to(user)`. Lists, detail pages and
API viewsets all start from it, so a rule changed here changes everywhere. The default is to deny:
a user with no officer profile, an inactive user, or a model that does not override `scope()`
sees nothing. `is_superuser` grants nothing here: what a user sees comes from their officer role
alone, so a superuser without an officer profile sees nothing and one with a profile sees what
that role gives.

Forces are isolated: every scope starts from the officer's own force. A ScopedQuerySet names the
path from its model to the force (`force_path`), and every `scope()` a subclass writes is run on
rows of the officer's force only (`__init_subclass__` wraps it), so a rule written for one force
cannot reach another's records, and "force-wide" means the officer's own force. A QuerySet that
names no path shows nothing (tests/foundation/test_scoping.py names any that forget).

Reference data (forces, divisions, districts, teams, officers) is per force too. Besides
`visible_to`, its queries (`ReferenceQuerySet`) read only the signed-in officer's force while a
request is being served (`ForceContextMiddleware` marks it): every choice list, filter, picker,
serializer field and id a service looks up during a request is then the officer's own force's,
without each of them having to ask. Outside a request (the worker, management commands, tests
calling services) they read every force.

Shares (kentsoc.sharing) are the one way across the border. A force that owns a county line or an
OCG may lend it, with chosen intelligence, to another force for a while; this module decides what
a lent record shows, so the rule is the same everywhere and nothing else crosses:
- `visible_to(user, lent=READ)` adds, to the officer's own force's rows, exactly the rows a live
  share lends to their force (`share_paths`: the way from a row to its shares; `share_roles`: the
  receiving roles that read that kind of record; `lendable_q`: what may cross at all, such as
  intelligence whose handling code permits sharing). `lent=CONTRIBUTE` adds only the subjects of
  shares that let the other force add intelligence and disruptions. Plain `visible_to(user)`
  never adds a lent row: pages and services that change a record read it that way, so a lent
  record is never edited by the force it is lent to.
- A record the other force added to a lent subject (`contribution_paths`: the way from a row to
  the forces of its subjects) is seen by the subject's owner as if its own, for as long as it
  exists: it is evidence in the owner's score. Only forces that have ever been party to a share
  (`Force.has_shares`) pay for that check.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, ClassVar, Self

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.db.models.functions import JSONObject
from django.http import Http404

from kentsoc.dates import today
from kentsoc.org.choices import Role, TeamKind

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from kentsoc.org.models import Officer


@dataclass(frozen=True)
class Access:
    user_id: int
    role: str
    team_id: int | None
    team_kind: str | None
    division_id: int | None
    force_id: int
    # The force is party to a share (kentsoc.sharing): it may own records another force added.
    shares: bool = False

    @property
    def force_wide(self) -> bool:
        """Roles whose job is to read across their whole force (within their subject area)."""
        return self.role in {Role.SUPERVISOR, Role.ANALYST}

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    @property
    def is_central_clgt(self) -> bool:
        return self.team_kind == TeamKind.CENTRAL_CLGT


_CACHE_ATTR = "_kentsoc_access"
_OFFICER_ATTR = "_kentsoc_officer"


def officer_for(user: AbstractBaseUser | AnonymousUser | None) -> Officer | None:
    """The signed-in user's officer profile (with its team), looked up once per request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if not hasattr(user, _OFFICER_ATTR):
        from kentsoc.org.models import Officer

        # The unfiltered manager: this lookup is what decides the force the others filter by.
        officer = (
            Officer._base_manager.select_related("team__force").filter(user_id=user.pk).first()
        )
        if officer is not None:
            # Both ways: `user.officer` (the header, the context processor) and `officer.user`
            # then read this request's objects instead of querying for them again.
            officer.user = user
        setattr(user, _OFFICER_ATTR, officer)
    return getattr(user, _OFFICER_ATTR)


def remember_officer(user: AbstractBaseUser, officer: Officer | None) -> None:
    """The profile officer_for would look up, read with the user by the session's own query
    (kentsoc.org.permissions.RoleBackend.get_user), so the request does not look it up again."""
    if officer is not None:
        officer.user = user
    setattr(user, _OFFICER_ATTR, officer)


def reading_as(reader: object, access: Access) -> None:
    """`access` is what `reader` may see: the search builds the statement it shares among
    officers for a stand-in reader whose id is a marker (kentsoc.search.compiled)."""
    setattr(reader, _CACHE_ATTR, access)


def must_change_password(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """An administrator set this officer's password and they have not chosen their own yet."""
    officer = officer_for(user)
    return officer is not None and officer.must_change_password


def access_for(user: AbstractBaseUser | AnonymousUser | None) -> Access | None:
    """The user's access profile, or None when they may see nothing at all.

    Cached on the user object so a request pays for the officer lookup once.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if hasattr(user, _CACHE_ATTR):
        return getattr(user, _CACHE_ATTR)
    officer = officer_for(user)
    access: Access | None
    if officer is None or officer.must_change_password:
        # No role, no access. A password an administrator set is not the officer's own: until
        # they choose one (PasswordChangeRequiredMiddleware sends them to do it), whoever holds
        # it sees nothing, whichever door (session or API token) they came in by.
        access = None
    else:
        access = Access(
            user_id=user.pk,
            role=officer.role,
            team_id=officer.team_id,
            team_kind=officer.team.kind,
            division_id=officer.division_id or officer.team.division_id,
            force_id=officer.team.force_id,
            shares=officer.team.force.has_shares,
        )
    setattr(user, _CACHE_ATTR, access)
    return access


def force_id_of(user: AbstractBaseUser | AnonymousUser | None) -> int:
    """The force a record the user makes belongs to: their own (services stamp it on new
    records). Someone with no access makes nothing."""
    access = access_for(user)
    if access is None:
        raise PermissionDenied("You have no role in a force.")
    return access.force_id


def forget_access(user: AbstractBaseUser) -> None:
    """Drop the cached profile after a user's role, team or password flag changed."""
    for attr in (_CACHE_ATTR, _OFFICER_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


# What a share lends (kentsoc.sharing's Share keeps these values in its `state` and `access`).
SHARE_APPROVED = "approved"
READ = "read"
CONTRIBUTE = "contribute"


def _in_own_force(rule: Callable) -> Callable:
    """`rule` run on the rows of the officer's force only (none if the class names no path),
    and, when asked, the rows a live share lends to that force."""

    @functools.wraps(rule)
    def scope(self: ScopedQuerySet, access: Access, *, lent: str | None = None) -> ScopedQuerySet:
        own_force = self.force_q(access)
        if own_force is None:
            return self.none()
        rows = rule(self.filter(own_force), access)
        lent_q = self.lent_q(access, lent) if lent is not None else None
        if lent_q is None:
            return rows
        return self.filter(Q(pk__in=rows.values("pk")) | lent_q)

    scope.force_scoped = True  # type: ignore[attr-defined]
    return scope


def _live_share(access: Access) -> dict[str, object]:
    """A share's lookups for "lent to the officer's force today": approved, begun, not ended."""
    day = today()
    return {
        "receiving_force": access.force_id,
        "state": SHARE_APPROVED,
        "starts_on__lte": day,
        "ends_on__gte": day,
    }


class _LentMarkedIterable(models.query.ModelIterable):
    """Model rows of `with_lent_marks`: each row's `lent_mark` spread into `lent_share_id`,
    `lent_access`, `lent_by` and `lent_until`."""

    def __iter__(self):
        for row in super().__iter__():
            mark = row.lent_mark
            if mark is None:
                row.lent_share_id = row.lent_access = row.lent_by = row.lent_until = None
            else:
                row.lent_share_id = mark["share_id"]
                row.lent_access = mark["access"]
                row.lent_by = mark["by"]
                row.lent_until = date.fromisoformat(mark["until"])
            yield row


class ScopedQuerySet(models.QuerySet):
    """Base for every police-data QuerySet. Subclasses say what each role may see in `scope()`
    and how a row reaches its force in `force_path` (e.g. "division__force" or "force")."""

    force_path: ClassVar[str | None] = None
    # Shares (module docstring): how a row reaches the shares that lend it, which roles of the
    # receiving force read it, and how a row added by another force reaches its subjects' force.
    share_paths: ClassVar[tuple[str, ...]] = ()
    share_roles: ClassVar[frozenset[str]] = frozenset()
    contribution_paths: ClassVar[tuple[str, ...]] = ()

    def force_q(self, access: Access) -> Q | None:
        """The rows of the officer's force; None when the class names no way to a force."""
        if self.force_path is None:
            return None
        own = Q(**{self.force_path: access.force_id})
        if not (access.shares and self.contribution_paths):
            return own
        added = Q()
        for path in self.contribution_paths:
            added |= Q(**{path: access.force_id})
        base = self.model._base_manager.filter(added).exclude(**{self.force_path: access.force_id})
        return own | Q(pk__in=base.values("pk"))

    def lendable_q(self) -> Q:
        """The rows a share may lend at all (all of them, unless a subclass narrows it)."""
        return Q()

    def lent_q(self, access: Access, lent: str) -> Q | None:
        """The rows a live share lends to the officer's force (`lent`: READ, or CONTRIBUTE for
        shares that let it add to them); None when it lends this officer nothing."""
        if not (access.shares and self.share_paths) or access.role not in self.share_roles:
            # A force never party to a share is lent nothing: it pays no query for it.
            return None
        live = _live_share(access)
        if lent == CONTRIBUTE:
            live["access"] = CONTRIBUTE
        elif lent != READ:
            raise ValueError(f"lent must be {READ!r} or {CONTRIBUTE!r}, not {lent!r}")
        paths = Q()
        for path in self.share_paths:
            paths |= Q(**{f"{path}__{lookup}": value for lookup, value in live.items()})
        rows = self.model._base_manager.filter(paths).filter(self.lendable_q())
        return Q(pk__in=rows.values("pk"))

    def with_lent_marks(self, user: AbstractBaseUser | AnonymousUser | None) -> Self:
        """For a lendable subject (a county line, an OCG): on each row a live share lends the
        user's force, `lent_share_id`, `lent_access` (READ or CONTRIBUTE), `lent_by` (the owning
        force's name) and `lent_until`; None on the force's own rows, which are never lent to
        it. The lists, the search and the pickers mark such a row "Shared by <force>" and link
        it to its share's page; a query filters on `lent_mark` (None on the force's own rows).
        A constant (no join) for a force never party to a share.

        The share is read as one JSON value (`lent_mark`) that each row then spreads into the
        four: a subquery per mark was built and compiled four times over on every list page."""
        access = access_for(user)
        if access is None or not access.shares or "shares" not in self.share_paths:
            marked = self.annotate(lent_mark=models.Value(None, output_field=models.JSONField()))
        else:
            mark = JSONObject(
                share_id="pk", access="access", by="owner_force__name", until="ends_on"
            )
            marked = self.annotate(
                lent_mark=models.Subquery(
                    self._live_shares_of_row(access).values(mark=mark)[:1],
                    output_field=models.JSONField(),
                )
            )
        if marked._iterable_class is models.query.ModelIterable:
            marked._iterable_class = _LentMarkedIterable
        return marked

    def with_lent_mark(self, user: AbstractBaseUser | AnonymousUser | None) -> Self:
        """`with_lent_marks` as one value, `lent`: {"share_id", "access", "by"} of the share a
        row is lent by, or None. One subquery where the marks are four: the search reads its
        rows as JSON and compiles them on every keystroke."""
        access = access_for(user)
        if access is None or not access.shares or "shares" not in self.share_paths:
            return self.annotate(lent=models.Value(None, output_field=models.JSONField()))
        mark = JSONObject(share_id="pk", access="access", by="owner_force__name")
        return self.annotate(
            lent=models.Subquery(
                self._live_shares_of_row(access).values(mark=mark)[:1],
                output_field=models.JSONField(),
            )
        )

    def _live_shares_of_row(self, access: Access) -> models.QuerySet:
        """The live shares lending a row (OuterRef) to the officer's force, latest ending first."""
        relation = self.model._meta.get_field("shares")
        return (
            relation.related_model._base_manager.filter(
                **{relation.field.name: models.OuterRef("pk")}, **_live_share(access)
            )
            .exclude(owner_force_id=access.force_id)
            .order_by("-ends_on", "-pk")
        )

    def lent_read_only(self, user: AbstractBaseUser | AnonymousUser | None, ids: object) -> list:
        """Of the rows `ids`, those lent to the user's force read-only, marked (`lent_by`): a
        form that adds to a subject says why it refuses them. None queried for a force never
        party to a share."""
        access = access_for(user)
        if access is None or not access.shares or not self.share_paths:
            return []
        may_add = self.visible_to(user, lent=CONTRIBUTE).values("pk")
        return list(
            self.visible_to(user, lent=READ)
            .filter(pk__in=ids)
            .exclude(pk__in=may_add)
            .with_lent_marks(user)
            .order_by("pk")
        )

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        rule = cls.__dict__.get("scope")
        if rule is not None and not getattr(rule, "force_scoped", False):
            cls.scope = _in_own_force(rule)

    def visible_to(
        self, user: AbstractBaseUser | AnonymousUser | None, *, lent: str | None = None
    ) -> Self:
        """The rows the user may see; with `lent` (READ or CONTRIBUTE) also those a live share
        lends to their force (module docstring)."""
        access = access_for(user)
        if access is None:
            return self.none()
        return self.scope(access, lent=lent)

    def scope(self, access: Access, *, lent: str | None = None) -> Self:
        return self.none()

    def get_visible_or_404(
        self, user: AbstractBaseUser | AnonymousUser | None, **lookup
    ) -> models.Model:
        """Fetch one record the user may see; records they may not see are 'not found', not
        'forbidden', so their existence is not disclosed."""
        try:
            return self.visible_to(user).get(**lookup)
        except (self.model.DoesNotExist, ValueError, TypeError):
            raise Http404(f"No {self.model._meta.verbose_name} matches the given query.")


# The request being served, if any: whose force reference data is read in (ReferenceQuerySet).
_serving: ContextVar[object | None] = ContextVar("kentsoc_serving", default=None)


class ForceContextMiddleware:
    """Marks the request being served, so reference data reads the signed-in officer's force.
    The user is read when a query runs, not here: an API token is checked later, in the view,
    and DRF then sets the request's user."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: object) -> object:
        token = _serving.set(request)
        try:
            return self.get_response(request)
        finally:
            _serving.reset(token)


def _serving_access() -> Access | None | bool:
    """While a request is served: the signed-in user's access (None: signed in with no role);
    False when no request is being served or nobody has signed in."""
    user = getattr(_serving.get(), "user", None)
    if user is None or not user.is_authenticated:
        return False
    return access_for(user)


def in_serving_force(path: str) -> Q:
    """Rows whose `path` is the serving officer's force, for lists of other models (accounts)
    that follow the same rule as reference data: all outside a request, none for a signed-in
    user with no role."""
    access = _serving_access()
    if access is False:
        return Q()
    if access is None:
        return Q(pk__in=[])
    return Q(**{path: access.force_id})


class ReferenceQuerySet(ScopedQuerySet):
    """Reference data (force structure, teams, officers): any user with a role may read their own
    force's (each model's subclass names its `force_path`).

    While a request is served its rows are the signed-in officer's force's, whoever built the
    query: the filter is added when the query runs, not when it is made, because a choice
    list's query is often made once, when its module is imported (and an import during one
    officer's request must not fix the force for everyone after). Used as a subquery
    (`pk__in=Team.objects.all()`) a query is not filtered: read the ids first."""

    _own_force_done = False

    def _own_force(self) -> ReferenceQuerySet | None:
        """This query narrowed to the serving officer's force; None when there is none to add."""
        if self._own_force_done:
            return None
        access = _serving_access()
        if access is False:
            return None
        if access is None:
            narrowed = self.none()
        else:
            # A page of a list is already sliced: filter the whole list, then take the page.
            narrowed = self._chain()
            low, high = narrowed.query.low_mark, narrowed.query.high_mark
            narrowed.query.clear_limits()
            narrowed = narrowed.filter(self.force_q(access))
            narrowed.query.set_limits(low, high)
        narrowed._own_force_done = True
        return narrowed

    def _fetch_all(self) -> None:
        if self._result_cache is None and (narrowed := self._own_force()) is not None:
            narrowed._fetch_all()
            self._result_cache = narrowed._result_cache
            self._prefetch_done = narrowed._prefetch_done
            return
        super()._fetch_all()

    def iterator(self, *args, **kwargs):
        narrowed = self._own_force()
        if narrowed is not None:
            return narrowed.iterator(*args, **kwargs)
        return super().iterator(*args, **kwargs)

    def count(self) -> int:
        narrowed = self._own_force() if self._result_cache is None else None
        return narrowed.count() if narrowed is not None else super().count()

    def exists(self) -> bool:
        narrowed = self._own_force() if self._result_cache is None else None
        return narrowed.exists() if narrowed is not None else super().exists()

    def aggregate(self, *args, **kwargs) -> dict:
        narrowed = self._own_force()
        if narrowed is not None:
            return narrowed.aggregate(*args, **kwargs)
        return super().aggregate(*args, **kwargs)

    def scope(self, access: Access) -> Self:
        return self.all()


def read_only_message(lent: models.Model, doing: str) -> str:
    """Why a form refuses a line or OCG lent read-only (marked by `with_lent_marks`)."""
    return (
        f"{lent.reference} {lent.name} is shared with your force by {lent.lent_by} read-only: "
        f"ask {lent.lent_by} for the right to {doing} it."
    )
