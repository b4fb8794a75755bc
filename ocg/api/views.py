"""OCG and nominal API: the same selectors, FilterSets and services as the pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kentsoc.audit.services import audit_read, audit_view
from kentsoc.web.api import (
    ActionPermissions,
    AuditedListMixin,
    VersionedUpdateMixin,
    read_input,
    versioned_update_schema,
)
from ocg import selectors
from ocg.api import serializers as s
from ocg.filters import NominalFilterSet, OcgFilterSet
from ocg.models import Nominal, PlanAction
from ocg.services import lifecycle, memberships, nominals, nomination, plan
from ocg.services.common import (
    PERM_ADD,
    PERM_ADD_NOMINAL,
    PERM_APPROVE,
    PERM_CHANGE,
    PERM_CHANGE_NOMINAL,
)


class _HasPerm(permissions.BasePermission):
    perm = ""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.has_perm(self.perm))


class CanViewOcgs(_HasPerm):
    perm = "ocg.view_ocg"


class CanViewNominals(_HasPerm):
    perm = "ocg.view_nominal"


class OcgViewSet(
    AuditedListMixin,
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.OcgSerializer
    filterset_class = OcgFilterSet
    permission_classes = [permissions.IsAuthenticated, CanViewOcgs, ActionPermissions]
    action_permissions = {
        "create": PERM_ADD,
        "partial_update": PERM_CHANGE,
        "members": PERM_CHANGE,
        "start_development": PERM_CHANGE,
        "submit_for_mapping": PERM_CHANGE,
        "approve_mapping": PERM_APPROVE,
        "return_submission": PERM_APPROVE,
        "adopt": PERM_APPROVE,
        "close": PERM_APPROVE,
        "reject": PERM_ADD,
    }

    def get_queryset(self):
        # The list also names the OCGs another force lends, marked and cut to what is lent; a
        # page of it reads members and criminality as values (its list serializer).
        if self.action == "list":
            return selectors.ocg_api_rows(user=self.request.user, lent=True)
        return selectors.ocg_list(user=self.request.user)

    def _ocg(self):
        ocg = selectors.ocg_get(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, ocg)
        return ocg

    def _respond(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        ocg = selectors.ocg_get(user=self.request.user, pk=pk)
        return Response(self.get_serializer(ocg).data, status=code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ocg = self._ocg()
        audit_view(actor=request.user, obj=ocg)
        return Response(self.get_serializer(ocg).data)

    @extend_schema(request=s.OcgCreateInput, responses={201: s.OcgSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = read_input(s.OcgCreateInput, request.data)
        ocg = nomination.ocg_nominate(actor=request.user, **data)
        return self._respond(ocg.pk, status.HTTP_201_CREATED)

    @versioned_update_schema(request=s.OcgUpdateInput, response=s.OcgSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ocg = self._ocg()
        data = read_input(s.OcgUpdateInput, request.data)
        data["version"] = self.client_version()
        nomination.ocg_update(actor=request.user, ocg=ocg, **data)
        return self._respond(ocg.pk)

    @extend_schema(request=s.MembershipAddInput, responses={201: s.OcgSerializer})
    @action(detail=True, methods=["post"])
    def members(self, request: Request, pk: str) -> Response:
        ocg = self._ocg()
        data = read_input(s.MembershipAddInput, request.data)
        memberships.membership_add(actor=request.user, ocg=ocg, **data)
        return self._respond(ocg.pk, status.HTTP_201_CREATED)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], url_path="start-development")
    def start_development(self, request: Request, pk: str) -> Response:
        lifecycle.ocg_start_development(actor=request.user, ocg=self._ocg())
        return self._respond(pk)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], url_path="map")
    def submit_for_mapping(self, request: Request, pk: str) -> Response:
        lifecycle.ocg_submit_for_mapping(actor=request.user, ocg=self._ocg())
        return self._respond(pk)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], url_path="approve-mapping")
    def approve_mapping(self, request: Request, pk: str) -> Response:
        lifecycle.ocg_approve_mapping(actor=request.user, ocg=self._ocg())
        return self._respond(pk)

    @extend_schema(request=s.ReasonInput)
    @action(detail=True, methods=["post"], url_path="return")
    def return_submission(self, request: Request, pk: str) -> Response:
        ocg = self._ocg()
        data = read_input(s.ReasonInput, request.data)
        lifecycle.ocg_return(actor=request.user, ocg=ocg, reason=data["reason"])
        return self._respond(pk)

    @extend_schema(request=s.AdoptInput)
    @action(detail=True, methods=["post"])
    def adopt(self, request: Request, pk: str) -> Response:
        ocg = self._ocg()
        data = read_input(s.AdoptInput, request.data)
        lifecycle.ocg_adopt(actor=request.user, ocg=ocg, **data)
        return self._respond(pk)

    @extend_schema(request=s.CloseInput)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        ocg = self._ocg()
        data = read_input(s.CloseInput, request.data)
        lifecycle.ocg_close(actor=request.user, ocg=ocg, **data)
        return self._respond(pk)

    @extend_schema(request=s.ReasonInput)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        ocg = self._ocg()
        data = read_input(s.ReasonInput, request.data)
        lifecycle.ocg_reject(actor=request.user, ocg=ocg, reason=data["reason"])
        return self._respond(pk)

    @extend_schema(methods=["GET"], responses=s.PlanActionSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=s.PlanActionInput, responses={201: s.PlanActionSerializer}
    )
    # The whole plan, not a page of it.
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def plan(self, request: Request, pk: str) -> Response:
        ocg = self._ocg()
        if request.method == "POST":
            data = read_input(s.PlanActionInput, request.data)
            created = plan.plan_action_add(actor=request.user, ocg=ocg, **data)
            return Response(s.PlanActionSerializer(created).data, status=status.HTTP_201_CREATED)
        return Response(s.PlanActionSerializer(selectors.plan_actions(ocg=ocg), many=True).data)

    @versioned_update_schema(request=s.PlanActionInput, response=s.PlanActionSerializer)
    @action(detail=True, methods=["patch"], url_path=r"plan/(?P<action_id>\d+)")
    def plan_update(self, request: Request, pk: str, action_id: str) -> Response:
        ocg = self._ocg()
        plan_action = PlanAction.objects.filter(ocg=ocg, pk=action_id).first()
        if plan_action is None:
            raise Http404
        data = read_input(s.PlanActionInput, request.data, partial=True)
        fields = {k: v for k, v in data.items() if k in plan.PLAN_FIELDS}
        updated = plan.plan_action_update(
            actor=request.user, action=plan_action, version=self.client_version(), **fields
        )
        return Response(s.PlanActionSerializer(updated).data)

    @extend_schema(
        responses=OpenApiResponse(
            OpenApiTypes.OBJECT, description="The group's members and their links, as drawn."
        )
    )
    @action(detail=True, methods=["get"])
    def network(self, request: Request, pk: str) -> Response:
        ocg = selectors.ocg_network_centre(user=request.user, pk=pk)
        self.check_object_permissions(request, ocg)
        network = selectors.ocg_network(user=request.user, ocg=ocg)
        # The network names people: reading it is audited like a list of them.
        audit_read(
            actor=request.user,
            model=Nominal,
            ids=selectors.network_people(network),
            query={"ocg": ocg.pk},
        )
        return Response(network)


class NominalViewSet(
    AuditedListMixin,
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """People. Every read is audited: a record as a view, a page of the list as one event
    naming the ids on it."""

    serializer_class = s.NominalSerializer
    filterset_class = NominalFilterSet
    permission_classes = [permissions.IsAuthenticated, CanViewNominals, ActionPermissions]
    action_permissions = {
        "create": PERM_ADD_NOMINAL,
        "partial_update": PERM_CHANGE_NOMINAL,
    }

    def get_queryset(self):
        return selectors.nominal_list(user=self.request.user)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        nominal = selectors.nominal_get(user=request.user, pk=kwargs["pk"])
        audit_view(actor=request.user, obj=nominal)
        return Response(self.get_serializer(nominal).data)

    @extend_schema(request=s.NominalCreateInput, responses={201: s.NominalSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = read_input(s.NominalCreateInput, request.data)
        created = nominals.nominal_create(actor=request.user, **data)
        body = dict(self.get_serializer(created.nominal).data)
        body["possible_duplicates"] = [
            {"id": d.pk, "reference": d.reference, "name": d.full_name}
            for d in created.possible_duplicates
        ]
        return Response(body, status=status.HTTP_201_CREATED)

    @versioned_update_schema(request=s.NominalUpdateInput, response=s.NominalSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        nominal = selectors.nominal_get(user=request.user, pk=kwargs["pk"])
        self.check_object_permissions(request, nominal)
        data = read_input(s.NominalUpdateInput, request.data)
        data.pop("version", None)
        updated = nominals.nominal_update(
            actor=request.user, nominal=nominal, version=self.client_version(), **data
        )
        return Response(self.get_serializer(updated).data)
