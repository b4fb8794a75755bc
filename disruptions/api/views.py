from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from disruptions import selectors
from disruptions.api.serializers import (
    CourtResultSerializer,
    DecisionSerializer,
    DisruptionInputSerializer,
    DisruptionSerializer,
    OperationSerializer,
    ReturnSerializer,
)
from disruptions.filters import CourtResultFilterSet, DisruptionFilterSet, OperationFilterSet
from disruptions.models import Disruption, Operation
from disruptions.services import approvals, court_results, operations
from disruptions.services import disruptions as disruption_services
from kentsoc.audit.services import audit_view
from kentsoc.web.api import (
    ActionPermissions,
    AuditedListMixin,
    VersionedUpdateMixin,
    read_input,
    versioned_update_schema,
)


def needs(perm: str) -> type[BasePermission]:
    class HasPerm(BasePermission):
        message = "Your role does not give access to disruptions."

        def has_permission(self, request: Request, view: Any) -> bool:
            return request.user.has_perm(perm)

    return HasPerm


class DisruptionViewSet(
    AuditedListMixin,
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Disruptions: create (draft), list with the HTML list's filters, retrieve, PATCH (author,
    draft or returned, with `version` or If-Match), and the actions submit, approve, return."""

    serializer_class = DisruptionSerializer
    filterset_class = DisruptionFilterSet
    permission_classes = [IsAuthenticated, needs("disruptions.view_disruption"), ActionPermissions]
    action_permissions = {
        "create": "disruptions.add_disruption",
        "partial_update": "disruptions.change_disruption",
        "approve": "disruptions.approve_disruption",
        "return_": "disruptions.approve_disruption",
    }
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        # A page of the list reads what each disruption names as values (its list serializer).
        if self.action == "list":
            return selectors.disruption_api_rows(user=self.request.user)
        return selectors.disruption_records(user=self.request.user)

    def _output(self, disruption: Disruption, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=disruption.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        disruption = self.get_object()
        audit_view(actor=request.user, obj=disruption)
        return Response(self.get_serializer(disruption).data)

    @extend_schema(request=DisruptionInputSerializer, responses={201: DisruptionSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = DisruptionInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        parts = data.split()
        parts.pop("version")
        disruption = disruption_services.disruption_create(actor=request.user, **parts)
        return self._output(disruption, status.HTTP_201_CREATED)

    @versioned_update_schema(request=DisruptionInputSerializer, response=DisruptionSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        disruption = self.get_object()
        data = DisruptionInputSerializer(
            data=request.data, partial=True, context={"request": request}
        )
        data.is_valid(raise_exception=True)
        disruption = disruption_services.disruption_update(
            actor=request.user,
            disruption=disruption,
            **{**data.split(), "version": self.client_version()},
        )
        return self._output(disruption)

    def _decision(
        self, request: Request, serializer_class: type[DecisionSerializer]
    ) -> tuple[Disruption, dict[str, Any]]:
        disruption = self.get_object()
        return disruption, read_input(serializer_class, request.data)

    @extend_schema(request=DecisionSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        disruption, data = self._decision(request, DecisionSerializer)
        disruption = disruption_services.disruption_submit(
            actor=request.user, disruption=disruption, **data
        )
        return self._output(disruption)

    @extend_schema(request=DecisionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        disruption, data = self._decision(request, DecisionSerializer)
        disruption = approvals.disruption_approve(actor=request.user, disruption=disruption, **data)
        return self._output(disruption)

    @extend_schema(request=ReturnSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request: Request, pk: str | None = None) -> Response:
        disruption, data = self._decision(request, ReturnSerializer)
        disruption = approvals.disruption_return(actor=request.user, disruption=disruption, **data)
        return self._output(disruption)


class OperationViewSet(
    AuditedListMixin,
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = OperationSerializer
    filterset_class = OperationFilterSet
    permission_classes = [IsAuthenticated, needs("disruptions.view_operation"), ActionPermissions]
    action_permissions = {
        "create": "disruptions.add_operation",
        "partial_update": "disruptions.change_operation",
    }
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.operation_list(user=self.request.user)

    def _output(self, operation: Operation, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=operation.pk)).data, code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("version", None)
        operation = operations.operation_create(actor=request.user, **values)
        return self._output(operation, status.HTTP_201_CREATED)

    @versioned_update_schema(request=OperationSerializer, response=OperationSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        operation = self.get_object()
        data = self.get_serializer(operation, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("version", None)
        teams = values.pop("teams", None)
        operation = operations.operation_update(
            actor=request.user,
            operation=operation,
            version=self.client_version(),
            values=values,
            teams=teams,
        )
        return self._output(operation)


class CourtResultViewSet(
    AuditedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = CourtResultSerializer
    audit_people = "nominal"
    filterset_class = CourtResultFilterSet
    permission_classes = [
        IsAuthenticated,
        needs("disruptions.view_courtresult"),
        ActionPermissions,
    ]
    action_permissions = {"create": "disruptions.add_courtresult"}
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        if self.action == "list":
            return selectors.court_result_api_rows(user=self.request.user)
        return selectors.court_result_list(user=self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = court_results.court_result_add(actor=request.user, **data.validated_data)
        return Response(self.get_serializer(result).data, status=status.HTTP_201_CREATED)
