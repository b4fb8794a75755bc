from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from countylines import selectors as line_selectors
from countylines.api.serializers import CountyLineSerializer
from kentsoc.audit.services import audit_view
from kentsoc.intel.api.serializers import (
    CountyLineEvidenceInput,
    DeleteInput,
    EvidenceInput,
    IntelligenceRecordSerializer,
)
from kentsoc.intel.filters import IntelligenceRecordFilterSet
from kentsoc.intel.models import IntelligenceRecord
from kentsoc.intel.selectors import intelligence_get, intelligence_list, intelligence_records
from kentsoc.intel.services import evidence as evidence_services
from kentsoc.intel.services import records as record_services
from kentsoc.web.api import (
    ActionPermissions,
    AuditedListMixin,
    VersionedUpdateMixin,
    versioned_update_schema,
)
from ocg import selectors as ocg_selectors
from ocg.api.serializers import OcgSerializer
from ocg.api.views import CanViewOcgs


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
        # A page of the list reads what its records name as values (the list serializer), as a
        # record on its own does (record_links): only the subjects the user may see.
        if self.action == "list":
            return intelligence_records(user=self.request.user)
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
        record = record_services.intelligence_create(actor=request.user, **data)
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
        record_services.intelligence_update(
            actor=request.user, record=record, version=self.client_version(), **changes
        )
        return Response(self.get_serializer(self._fresh(record.pk)).data)

    @extend_schema(request=DeleteInput)
    def destroy(self, request: Request, pk: str | None = None) -> Response:
        record = intelligence_get(user=request.user, pk=pk)
        self.check_object_permissions(request, record)
        body = DeleteInput(data=request.data if isinstance(request.data, Mapping) else {})
        body.is_valid(raise_exception=True)
        record_services.intelligence_delete(
            actor=request.user, record=record, reason=body.validated_data["reason"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# Definition evidence is recorded under its subject's path, and the answer is the subject as its
# own API shows it (with `missing_criteria`): a client sees at once what is still missing.


class OcgEvidenceViewSet(viewsets.GenericViewSet):
    """POST /api/ocgs/<id>/evidence/ (its only route)."""

    serializer_class = OcgSerializer
    permission_classes = [permissions.IsAuthenticated, CanViewOcgs, ActionPermissions]
    action_permissions = {"evidence": evidence_services.EVIDENCE_PERMS["ocg"]}

    def get_queryset(self):
        return ocg_selectors.ocg_list(user=self.request.user)

    @extend_schema(request=EvidenceInput, responses={201: OcgSerializer})
    @action(detail=True, methods=["post"])
    def evidence(self, request: Request, pk: str) -> Response:
        ocg = ocg_selectors.ocg_get(user=request.user, pk=pk)
        self.check_object_permissions(request, ocg)
        body = EvidenceInput(data=request.data)
        body.is_valid(raise_exception=True)
        evidence_services.evidence_add(actor=request.user, ocg=ocg, **body.validated_data)
        ocg = ocg_selectors.ocg_get(user=request.user, pk=ocg.pk)
        return Response(self.get_serializer(ocg).data, status=status.HTTP_201_CREATED)


class CountyLineEvidenceViewSet(viewsets.GenericViewSet):
    """POST /api/county-lines/<id>/evidence/ (its only route)."""

    serializer_class = CountyLineSerializer
    permission_classes = [permissions.IsAuthenticated, ActionPermissions]
    action_permissions = {"evidence": evidence_services.EVIDENCE_PERMS["county_line"]}

    def get_queryset(self):
        return line_selectors.line_list(user=self.request.user)

    @extend_schema(request=CountyLineEvidenceInput, responses={201: CountyLineSerializer})
    @action(detail=True, methods=["post"])
    def evidence(self, request: Request, pk: str) -> Response:
        line = line_selectors.line_get(user=request.user, pk=pk)
        self.check_object_permissions(request, line)
        body = CountyLineEvidenceInput(data=request.data)
        body.is_valid(raise_exception=True)
        evidence_services.evidence_add(actor=request.user, county_line=line, **body.validated_data)
        line = line_selectors.line_get(user=request.user, pk=line.pk)
        return Response(self.get_serializer(line).data, status=status.HTTP_201_CREATED)
