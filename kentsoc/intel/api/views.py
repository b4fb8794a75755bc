from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from kentsoc.audit.services import audit_view
from kentsoc.intel import services
from kentsoc.intel.api.serializers import DeleteInput, IntelligenceRecordSerializer
from kentsoc.intel.filters import IntelligenceRecordFilterSet
from kentsoc.intel.models import IntelligenceRecord
from kentsoc.intel.selectors import intelligence_get, intelligence_list
from kentsoc.web.api import (
    ActionPermissions,
    AuditedListMixin,
    VersionedUpdateMixin,
    versioned_update_schema,
)


class CanReadIntelligence(permissions.BasePermission):
    """Reading needs the role's view permission; writes are checked again by the services."""

    message = "You do not have permission to read intelligence records."

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.has_perm("intel.view_intelligencerecord"))


class IntelligenceRecordViewSet(
    AuditedListMixin, VersionedUpdateMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    serializer_class = IntelligenceRecordSerializer
    filterset_class = IntelligenceRecordFilterSet
    permission_classes = [permissions.IsAuthenticated, CanReadIntelligence, ActionPermissions]
    action_permissions = {
        "create": "intel.add_intelligencerecord",
        "partial_update": "intel.change_intelligencerecord",
        "destroy": "intel.delete_intelligencerecord",
    }
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return intelligence_list(user=self.request.user)

    def _fresh(self, pk: int) -> IntelligenceRecord:
        return intelligence_get(user=self.request.user, pk=pk)

    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        record = intelligence_get(user=request.user, pk=pk)
        audit_view(actor=request.user, obj=record)
        return Response(self.get_serializer(record).data)

    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        record = services.intelligence_create(actor=request.user, **data)
        return Response(
            self.get_serializer(self._fresh(record.pk)).data, status=status.HTTP_201_CREATED
        )

    @versioned_update_schema(
        request=IntelligenceRecordSerializer, response=IntelligenceRecordSerializer
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        record = intelligence_get(user=request.user, pk=pk)
        self.check_object_permissions(request, record)
        serializer = self.get_serializer(record, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        changes.pop("version", None)
        services.intelligence_update(
            actor=request.user, record=record, version=self.client_version(), **changes
        )
        return Response(self.get_serializer(self._fresh(record.pk)).data)

    @extend_schema(request=DeleteInput)
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        record = intelligence_get(user=request.user, pk=pk)
        self.check_object_permissions(request, record)
        body = DeleteInput(data=request.data if isinstance(request.data, Mapping) else {})
        body.is_valid(raise_exception=True)
        services.intelligence_delete(
            actor=request.user, record=record, reason=body.validated_data["reason"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
