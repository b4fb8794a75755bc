from __future__ import annotations

from typing import Any

from rest_framework import permissions, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from kentsoc.audit.models import AuditEvent
from kentsoc.audit.selectors import can_read_audit_log
from kentsoc.audit.services import audit_log_viewed
from kentsoc.trail.api.serializers import AuditEventSerializer
from kentsoc.trail.filters import AuditEventFilterSet
from kentsoc.trail.selectors import trail_events


class CanReadAuditLog(permissions.BasePermission):
    message = "Only auditors may read the audit trail."

    def has_permission(self, request: Request, view: Any) -> bool:
        return can_read_audit_log(request.user)


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit trail, newest first, filtered like the Audit page. Read-only by design."""

    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    permission_classes = [permissions.IsAuthenticated, CanReadAuditLog]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            # drf-spectacular builds the schema without a user: it only needs the model.
            return AuditEvent.objects.none()
        return trail_events(user=self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        audit_log_viewed(actor=request.user, filters=request.query_params.items())
        return super().list(request, *args, **kwargs)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        audit_log_viewed(actor=request.user, filters=[("id", kwargs.get("pk"))])
        return super().retrieve(request, *args, **kwargs)
