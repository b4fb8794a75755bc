"""The Django admin: users, officers, teams and reference data, and nothing else.

The administrator manages the organisation and sees no police data (issue 13, separation of
duties), signing in through the same two steps as every page. Only the models in ADMIN_MODELS
are administered here; `trim_admin_site` takes off whatever another app registered (API tokens
above all: nobody may read or mint another officer's token, nor read a second-factor device's
secret key). Superuser status is never shown or set, staff status and permission groups follow
the officer's role, and a password an administrator sets must be changed at the next sign-in.
Administrators are per force: each list, each choice in a form and each record opened is their
own force's (`ForceAdmin`), so an administrator of one force can neither see nor make another's
officers, teams or divisions.
A lost second-factor device is reset with `manage.py reset_second_factor <username>` (audited):
the officer enrols again at their next sign-in.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from kentsoc.accounts.officers import officer_password_set_by_administrator
from kentsoc.org.models import District, Division, Force, Officer, Team
from kentsoc.org.scoping import access_for
from kentsoc.org.services import officer_sync_group

# app_label.model_name of every model the admin may hold.
ADMIN_MODELS = frozenset(
    {
        "auth.user",
        "auth.group",
        "org.force",
        "org.division",
        "org.district",
        "org.team",
        "org.officer",
    }
)


def trim_admin_site(site: admin.AdminSite = admin.site) -> list[str]:
    """Unregister every model not in ADMIN_MODELS; returns what was taken off."""
    removed = []
    for model in list(site._registry):
        if model._meta.label_lower not in ADMIN_MODELS:
            site.unregister(model)
            removed.append(model._meta.label_lower)
    return removed


def _admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The admin's own sign-in form would sign in with the password alone: send it to the
    kentsoc sign-in (password, then the second factor), which validates `next` itself."""
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return redirect("admin:index")
        # Signed in without staff status: sending them to sign in again would loop.
        raise PermissionDenied("The admin is for administrators.")
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('login')}?{urlencode({'next': next_url})}")


admin.site.login = _admin_login


admin.site.unregister(User)
admin.site.unregister(Group)


def _own_force_id(request: HttpRequest) -> int | None:
    access = access_for(request.user)
    return access.force_id if access is not None else None


class OwnForceAdmin(admin.ModelAdmin):
    """The administrator's own force's rows only, and only its rows offered in forms."""

    def get_queryset(self, request: HttpRequest):
        return self.model.objects.visible_to(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if related in (Force, Division, Team, District):
            kwargs["queryset"] = related.objects.visible_to(request.user)
        elif related is User:
            kwargs["queryset"] = _users_of_own_force(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _users_of_own_force(request: HttpRequest):
    """Accounts of the administrator's force's officers, and accounts with no officer profile
    yet (made in the admin a moment ago, about to be given one: they belong to no force)."""
    force_id = _own_force_id(request)
    if force_id is None:
        return User.objects.none()
    return User.objects.filter(
        Q(officer__team__force_id=force_id) | Q(officer__isnull=True)
    ).order_by("username")


@admin.register(User)
class OfficerUserAdmin(UserAdmin):
    """Django's user admin without superuser status, per-user permissions or group picking:
    what a user may do comes from their officer role, set on the officer profile."""

    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        (
            "Access",
            {
                "fields": ("is_active", "is_staff", "groups"),
                "description": "Staff status (the admin site) and the permission group follow "
                "the officer's role: set the role on the officer profile.",
            },
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("is_staff", "groups", "last_login", "date_joined")
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff")

    def get_queryset(self, request: HttpRequest):
        return _users_of_own_force(request)

    @transaction.atomic
    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        user = self.get_object(request, unquote(id))
        before = user.password if user is not None else None
        response = super().user_change_password(request, id, form_url)
        user = self.get_object(request, unquote(id))
        # Saved a new password (not a refused form, not "disable password-based sign-in").
        if user is not None and user.password != before and user.has_usable_password():
            officer_password_set_by_administrator(actor=request.user, user=user)
        return response


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin):
    """Read only: each role's permissions are the table in kentsoc/org/roles.py, which
    `sync_roles` applies after every migrate; an edit here would grant outside that contract."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Force)
class ForceAdmin(OwnForceAdmin):
    """An administrator keeps their own force's name; forces are set up with the deployment."""

    list_display = ["code", "name"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Division)
class DivisionAdmin(OwnForceAdmin):
    list_display = ["code", "name", "force"]


@admin.register(District)
class DistrictAdmin(OwnForceAdmin):
    list_display = ["code", "name", "division"]
    list_filter = [("division", admin.RelatedOnlyFieldListFilter)]


@admin.register(Team)
class TeamAdmin(OwnForceAdmin):
    list_display = ["code", "name", "kind", "division"]
    list_filter = ["kind", ("division", admin.RelatedOnlyFieldListFilter)]
    # An administrator keeps their own force's teams: a team is added to it and never moves.
    exclude = ["force"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.force_id = _own_force_id(request)
        super().save_model(request, obj, form, change)


@admin.register(Officer)
class OfficerAdmin(OwnForceAdmin):
    list_display = [
        "collar_number",
        "rank",
        "user",
        "role",
        "team",
        "division",
        "must_change_password",
    ]
    # Only the teams and divisions in the list: another force's are not offered (or named).
    list_filter = [
        "role",
        ("team", admin.RelatedOnlyFieldListFilter),
        ("division", admin.RelatedOnlyFieldListFilter),
        "must_change_password",
    ]
    search_fields = ["collar_number", "user__username", "user__last_name"]
    list_select_related = ["user", "team", "division"]

    def get_readonly_fields(self, request, obj=None):
        # A profile never moves to another account (that would hand its role over), and nobody
        # changes their own role or team: another administrator must.
        if obj is None:
            return []
        if obj.user_id == request.user.pk:
            return ["user", "role", "team", "division", "must_change_password"]
        return ["user"]

    def save_model(self, request, obj, form, change):
        if not change and obj.user_id != request.user.pk:
            # A profile is added to an account an administrator made, with a password the
            # administrator chose: the officer picks their own before they see anything.
            obj.must_change_password = True
        super().save_model(request, obj, form, change)
        # Scoping reads the role, permissions come from the group, the admin site needs staff
        # status: keep them in step, or a demoted officer would keep the old role's powers.
        officer_sync_group(officer=obj)
