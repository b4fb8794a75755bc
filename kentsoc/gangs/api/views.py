"""Gang API: the same selectors, FilterSet and services as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from kentsoc.audit.services import audit_view
from kentsoc.gangs import selectors
from kentsoc.gangs.api import serializers as s
from kentsoc.gangs.filters import GangFilterSet
from kentsoc.gangs.services.base import PERM_ADD, PERM_CHANGE
from kentsoc.gangs.services.gangs import gang_create, gang_update
from kentsoc.gangs.services.links import gang_link, gang_unlink
from kentsoc.gangs.services.members import gang_add_member, gang_remove_member
from kentsoc.web.api import (
    ActionPermissions,
    AuditedListMixin,
    VersionedUpdateMixin,
    read_input,
    versioned_update_schema,
)
from kentsoc.web.coerce import as_id


class GangViewSet(
    AuditedListMixin,
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.GangSerializer
    filterset_class = GangFilterSet
    permission_classes = [IsAuthenticated, ActionPermissions]
    action_permissions = {
        "create": PERM_ADD,
        "partial_update": PERM_CHANGE,
        "members": PERM_CHANGE,
        "remove_member": PERM_CHANGE,
        "county_lines": PERM_CHANGE,
        "remove_county_line": PERM_CHANGE,
        "ocgs": PERM_CHANGE,
        "remove_ocg": PERM_CHANGE,
    }

    def get_queryset(self):
        return selectors.gang_list(user=self.request.user)

    def _gang(self):
        gang = selectors.gang_get(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, gang)
        return gang

    def _respond(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        gang = selectors.gang_get(user=self.request.user, pk=pk)
        return Response(self.get_serializer(gang).data, status=code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        gang = self._gang()
        audit_view(actor=request.user, obj=gang)
        return Response(self.get_serializer(gang).data)

    @extend_schema(request=s.GangCreateInput, responses={201: s.GangSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = read_input(s.GangCreateInput, request.data)
        gang = gang_create(actor=request.user, **data)
        return self._respond(gang.pk, status.HTTP_201_CREATED)

    @versioned_update_schema(request=s.GangUpdateInput, response=s.GangSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        gang = self._gang()
        data = read_input(s.GangUpdateInput, request.data)
        data["version"] = self.client_version()
        gang_update(actor=request.user, gang=gang, **data)
        return self._respond(gang.pk)

    @extend_schema(request=s.GangMemberInput, responses={201: s.GangSerializer})
    @action(detail=True, methods=["post"])
    def members(self, request: Request, pk: str) -> Response:
        gang = self._gang()
        data = read_input(s.GangMemberInput, request.data)
        gang_add_member(actor=request.user, gang=gang, **data)
        return self._respond(gang.pk, status.HTTP_201_CREATED)

    @extend_schema(request=None)
    @action(detail=True, methods=["delete"], url_path=r"members/(?P<member_id>\d+)")
    def remove_member(self, request: Request, pk: str, member_id: str) -> Response:
        gang = self._gang()
        gang_remove_member(actor=request.user, gang=gang, membership_id=as_id(member_id))
        return self._respond(gang.pk)

    @extend_schema(request=s.GangCountyLineInput, responses={201: s.GangSerializer})
    @action(detail=True, methods=["post"], url_path="county-lines")
    def county_lines(self, request: Request, pk: str) -> Response:
        gang = self._gang()
        data = read_input(s.GangCountyLineInput, request.data)
        gang_link(actor=request.user, gang=gang, kind="county_lines", target=data["county_line"])
        return self._respond(gang.pk, status.HTTP_201_CREATED)

    @extend_schema(request=None)
    @action(detail=True, methods=["delete"], url_path=r"county-lines/(?P<line_id>\d+)")
    def remove_county_line(self, request: Request, pk: str, line_id: str) -> Response:
        gang = self._gang()
        gang_unlink(actor=request.user, gang=gang, kind="county_lines", target=as_id(line_id))
        return self._respond(gang.pk)

    @extend_schema(request=s.GangOcgInput, responses={201: s.GangSerializer})
    @action(detail=True, methods=["post"])
    def ocgs(self, request: Request, pk: str) -> Response:
        gang = self._gang()
        data = read_input(s.GangOcgInput, request.data)
        gang_link(actor=request.user, gang=gang, kind="ocgs", target=data["ocg"])
        return self._respond(gang.pk, status.HTTP_201_CREATED)

    @extend_schema(request=None)
    @action(detail=True, methods=["delete"], url_path=r"ocgs/(?P<ocg_id>\d+)")
    def remove_ocg(self, request: Request, pk: str, ocg_id: str) -> Response:
        gang = self._gang()
        gang_unlink(actor=request.user, gang=gang, kind="ocgs", target=as_id(ocg_id))
        return self._respond(gang.pk)
