"""Shared API plumbing: pagination and JSON errors that never leak a stack trace."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, permissions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from kentsoc.org.scoping import access_for


class HasRole(permissions.BasePermission):
    """Signed in with an officer role. The schema and its docs map every endpoint and field of a
    police system: not for anonymous callers, nor for accounts without a role."""

    def has_permission(self, request, view) -> bool:
        return access_for(request.user) is not None


class ActionPermissions(permissions.BasePermission):
    """Refuse an action the caller's role can never take before its body is read, so a forbidden
    caller gets 403 whatever they sent, not a 400 about fields they may not set.

    A viewset maps actions to a permission in `action_permissions`. Collection actions (create)
    are checked here; detail actions in `has_object_permission`, which the viewset reaches after
    finding the object, so a record the caller may not see is still a 404. The services check
    again, with their object-level rules: this is only the early door."""

    def _allowed(self, request: Any, view: Any) -> bool:
        perm = getattr(view, "action_permissions", {}).get(view.action)
        if perm is None or request.user.has_perm(perm):
            return True
        self.message = f"Your role may not do this (permission {perm} is missing)."
        return False

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(getattr(view, "detail", False)) or self._allowed(request, view)

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return self._allowed(request, view)


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def validation_error_detail(exc: DjangoValidationError) -> dict | list:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [
                str(m) for e in errors for m in e
            ]
            for field, errors in exc.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc, context):
    # Services raise Django's ValidationError / PermissionDenied; the API turns them into 400/403.
    if isinstance(exc, DjangoValidationError):
        return Response(validation_error_detail(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)
