"""Shared API plumbing: pagination and JSON errors that never leak a stack trace."""

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from kentsoc.audit.services import audit_read
from kentsoc.org.scoping import access_for
from kentsoc.web.coerce import as_id
from kentsoc.web.generic import related_ids


class HasRole(permissions.BasePermission):
    """Signed in with an officer role. The schema and its docs map every endpoint and field of a
    police system: not for anonymous callers, nor for accounts without a role."""

    def has_permission(self, request, view) -> bool:
        return access_for(request.user) is not None


def read_input(
    serializer_class: type[serializers.Serializer], data: Any, *, partial: bool = False
) -> dict[str, Any]:
    """The typed values a request body holds, as a service takes them; a 400 naming each field
    that is wrong otherwise."""
    serializer = serializer_class(data=data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


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

    def get_page_size(self, request: Any) -> int:
        # DRF quietly ignores a page_size it cannot read; a client that sent one is told.
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and (as_id(raw) or 0) < 1:
            raise exceptions.ValidationError(
                {"page_size": [f"Enter a whole number from 1 to {self.max_page_size}."]}
            )
        return super().get_page_size(request)


class AuditedListMixin:
    """A list of people, intelligence or disruptions: each request writes one audit event naming
    the ids on the page it returns, the query and the count (DOMAIN.md: every view of a person,
    intelligence record or disruption is audited). One INSERT whatever the page size.

    Put it before `ListModelMixin`; it replaces `list` with the same filter, page and serialise
    steps plus the audit row. `audit_people` is the lookup path to the Nominal on rows that
    name a person by a foreign key, as on the pages (FilteredListView)."""

    audit_people: str = ""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(queryset) if page is None else page
        people = related_ids(rows, self.audit_people) if self.audit_people else None
        audit_read(
            actor=request.user,
            model=queryset.model,
            ids=[row.pk for row in rows],
            query=request.query_params.lists(),
            total=self.paginator.page.paginator.count if page is not None else None,
            also={"ocg.nominal": people} if people is not None else None,
        )
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = "Say which version you are changing."
    default_code = "precondition_required"


VERSION_REQUIRED = "This field is required to update this record (send version or If-Match)."


def _as_version(value: Any, where: str) -> int:
    # bool is an int to Python, never a version; "3" from a form or a header is one.
    version = as_id(value)
    if version is not None:
        return version
    raise exceptions.ValidationError(
        {"version": [f"{where} must be the record's version number, e.g. 3."]}
    )


def _if_match_version(header: str) -> int:
    """`If-Match: 3`, `"3"` or `W/"3"`: the version number the client read."""
    value = header.strip()
    if value.startswith("W/"):
        value = value[2:]
    return _as_version(value.strip('"'), "If-Match")


class VersionedUpdateMixin:
    """PATCH or PUT of a versioned record says which version the client read, as `version` in
    the body or in an `If-Match` header; without either the answer is 428 naming `version`, so a
    client that left it out cannot overwrite a colleague's change. A stale version is the
    services' 400 `{"version": [...]}`, as for a web form.

    Checked once the record is found and the caller's role allowed (404 and 403 first), by the
    `check_object_permissions` every detail action calls; the update reads the number with
    `client_version()`."""

    def check_object_permissions(self, request: Request, obj: Any) -> None:
        super().check_object_permissions(request, obj)
        if request.method in ("PATCH", "PUT"):
            self.client_version()

    def client_version(self) -> int:
        request = self.request
        data = request.data
        body = data.get("version") if isinstance(data, Mapping) else None
        header = request.headers.get("If-Match")
        if body is None and not header:
            raise PreconditionRequired({"version": [VERSION_REQUIRED]})
        from_body = None if body is None else _as_version(body, "version")
        from_header = _if_match_version(header) if header else None
        if None not in (from_body, from_header) and from_body != from_header:
            raise exceptions.ValidationError(
                {
                    "version": [
                        f"The body says version {from_body} and If-Match says {from_header}: "
                        "send one version."
                    ]
                }
            )
        return from_body if from_body is not None else from_header


class VersionRequiredSerializer(serializers.Serializer):
    """The 428 body (schema only)."""

    version = serializers.ListField(child=serializers.CharField())


def versioned_update_schema(*, request: Any, response: Any) -> Callable:
    """extend_schema for a versioned PATCH: the If-Match header and the 428 documented."""
    return extend_schema(
        request=request,
        responses={
            200: response,
            428: OpenApiResponse(
                response=VersionRequiredSerializer,
                description=f'Neither `version` nor If-Match was sent: `{{"version": '
                f'["{VERSION_REQUIRED}"]}}`',
            ),
        },
        parameters=[
            OpenApiParameter(
                "If-Match",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=False,
                description='The version you read (e.g. 3 or "3"), instead of `version` in '
                "the body.",
            )
        ],
    )


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
    response = drf_exception_handler(exc, context)
    # A bare ValidationError("...") renders as a list; every error body is an object, as the
    # schema says.
    if response is not None and isinstance(response.data, list):
        response.data = {"non_field_errors": response.data}
    return response
