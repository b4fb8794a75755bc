"""Who may see what: the one place record visibility is decided.

Every model that holds police data has a QuerySet with `visible_to(user)`. Lists, detail pages and
API viewsets all start from it, so a rule changed here changes everywhere. The default is to deny:
a user with no officer profile, an inactive user, or a model that does not override `scope()`
sees nothing. `is_superuser` grants nothing here: what a user sees comes from their officer role
alone, so a superuser without an officer profile sees nothing and one with a profile sees what
that role gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Self

from django.db import models
from django.http import Http404

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

    @property
    def force_wide(self) -> bool:
        """Roles whose job is to read across the whole force (within their subject area)."""
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

        officer = Officer.objects.select_related("team").filter(user_id=user.pk).first()
        setattr(user, _OFFICER_ATTR, officer)
    return getattr(user, _OFFICER_ATTR)


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
        )
    setattr(user, _CACHE_ATTR, access)
    return access


def forget_access(user: AbstractBaseUser) -> None:
    """Drop the cached profile after a user's role, team or password flag changed."""
    for attr in (_CACHE_ATTR, _OFFICER_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


class ScopedQuerySet(models.QuerySet):
    """Base for every police-data QuerySet. Subclasses say what each role may see in `scope()`."""

    def visible_to(self, user: AbstractBaseUser | AnonymousUser | None) -> Self:
        access = access_for(user)
        if access is None:
            return self.none()
        return self.scope(access)

    def scope(self, access: Access) -> Self:
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


class ReferenceQuerySet(ScopedQuerySet):
    """Reference data (force structure, teams, officers): any user with a role may read it."""

    def scope(self, access: Access) -> Self:
        return self.all()
