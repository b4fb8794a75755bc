"""Permissions come from the officer's role and from nothing else.

Django gives a user flagged `is_superuser` every permission twice over: `User.has_perm` answers
True before asking any backend, and ModelBackend lists every permission for them. In kentsoc the
flag grants nothing (issue 13, separation of duties): the administrator manages users and sees no
police data, and an account made with `createsuperuser` is no way around need-to-know.

- `RoleBackend` replaces ModelBackend: a user's permissions are those of their groups (the role
  groups of kentsoc.org.roles), only while they have an officer profile whose password is their
  own. Permissions given to one account directly are ignored: a role is the only way to hold one.
- `drop_superuser_shortcut()` (run from OrgConfig.ready) removes the shortcut from
  `PermissionsMixin.has_perm` / `has_module_perms`, so every check, in views, services, the admin
  and templates (`perms`), asks the backends.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import (
    Permission,
    PermissionsMixin,
    _auser_has_module_perms,
    _auser_has_perm,
    _user_has_module_perms,
    _user_has_perm,
)

_CACHE = "_kentsoc_role_perm_cache"


class RoleBackend(ModelBackend):
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
