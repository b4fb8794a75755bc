"""County-line API: the same selectors, FilterSet and services as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from countylines import selectors
from countylines.api import serializers as s
from countylines.filters import CountyLineFilterSet, PersonAtRiskFilterSet
from countylines.services.base import PERM_ADD, PERM_APPROVE, PERM_CHANGE
from countylines.services.deal_lines import line_add_deal_line
from countylines.services.lifecycle import line_activate, line_dismantle, line_flex, line_reject
from countylines.services.lines import line_nominate, line_update
from countylines.services.nominals import line_add_nominal, line_remove_nominal
from countylines.services.people import (
    person_at_risk_create,
    person_at_risk_update,
    referral_create,
    referral_record_outcome,
)
from kentsoc.audit.services import audit_view
from kentsoc.web.api import (
    ActionPermissions,
    AuditedListMixin,
    VersionedUpdateMixin,
    read_input,
    versioned_update_schema,
)
from kentsoc.web.coerce import as_id


class CountyLineViewSet(
    AuditedListMixin,
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.CountyLineSerializer
    filterset_class = CountyLineFilterSet
    permission_classes = [IsAuthenticated, ActionPermissions]
    action_permissions = {
        "create": PERM_ADD,
        "partial_update": PERM_CHANGE,
        "nominals": PERM_CHANGE,
        "remove_nominal": PERM_CHANGE,
        "deal_lines": PERM_CHANGE,
        "activate": PERM_APPROVE,
        "dismantle": PERM_CHANGE,
        "reject": PERM_APPROVE,
        "flex": PERM_APPROVE,
    }

    def get_queryset(self):
        # The list also names the lines another force lends, marked and cut to what is lent; a
        # page of it reads districts, deal lines and nominals as values (its list serializer).
        if self.action == "list":
            return selectors.line_api_rows(user=self.request.user, lent=True)
        return selectors.line_list(user=self.request.user)

    def _line(self):
        line = selectors.line_get(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, line)
        return line

    def _respond(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        line = selectors.line_get(user=self.request.user, pk=pk)
        return Response(self.get_serializer(line).data, status=code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        line = self._line()
        audit_view(actor=request.user, obj=line)
        return Response(self.get_serializer(line).data)

    @extend_schema(request=s.CountyLineCreateInput, responses={201: s.CountyLineSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = read_input(s.CountyLineCreateInput, request.data)
        line = line_nominate(
            actor=request.user,
            name=data["name"],
            exporting_area=data["exporting_area"],
            importing_districts=data["importing_districts"],
            deal_lines=data["deal_lines"],
            nominals=data.get("nominals", []),
            ocg=data.get("ocg"),
            nominated_on=data.get("nominated_on"),
        )
        return self._respond(line.pk, status.HTTP_201_CREATED)

    @versioned_update_schema(request=s.CountyLineUpdateInput, response=s.CountyLineSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        line = self._line()
        data = read_input(s.CountyLineUpdateInput, request.data)
        data["version"] = self.client_version()
        line_update(actor=request.user, line=line, **data)
        return self._respond(line.pk)

    @extend_schema(request=s.NominalLinkInput, responses={201: s.CountyLineSerializer})
    @action(detail=True, methods=["post"])
    def nominals(self, request: Request, pk: str) -> Response:
        line = self._line()
        data = read_input(s.NominalLinkInput, request.data)
        line_add_nominal(actor=request.user, line=line, nominal=data["nominal"], role=data["role"])
        return self._respond(line.pk, status.HTTP_201_CREATED)

    @extend_schema(request=None)
    @action(detail=True, methods=["delete"], url_path=r"nominals/(?P<link_id>\d+)")
    def remove_nominal(self, request: Request, pk: str, link_id: str) -> Response:
        line = self._line()
        line_remove_nominal(actor=request.user, line=line, link_id=as_id(link_id))
        return self._respond(line.pk)

    @extend_schema(request=s.DealLineInput, responses={201: s.CountyLineSerializer})
    @action(detail=True, methods=["post"], url_path="deal-lines")
    def deal_lines(self, request: Request, pk: str) -> Response:
        line = self._line()
        data = read_input(s.DealLineInput, request.data)
        line_add_deal_line(actor=request.user, line=line, **data)
        return self._respond(line.pk, status.HTTP_201_CREATED)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def activate(self, request: Request, pk: str) -> Response:
        line_activate(actor=request.user, line=self._line())
        return self._respond(pk)

    @extend_schema(request=s.DismantleInput)
    @action(detail=True, methods=["post"])
    def dismantle(self, request: Request, pk: str) -> Response:
        line = self._line()
        data = read_input(s.DismantleInput, request.data)
        line_dismantle(actor=request.user, line=line, date=data["date"], reason=data["reason"])
        return self._respond(line.pk)

    @extend_schema(request=s.ReasonInput)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        line = self._line()
        data = read_input(s.ReasonInput, request.data)
        line_reject(actor=request.user, line=line, reason=data["reason"])
        return self._respond(line.pk)

    @extend_schema(request=s.FlexInput)
    @action(detail=True, methods=["post"])
    def flex(self, request: Request, pk: str) -> Response:
        line = self._line()
        data = read_input(s.FlexInput, request.data)
        line_flex(
            actor=request.user, line=line, division=data.get("division"), reason=data["reason"]
        )
        return self._respond(line.pk)


class PersonAtRiskViewSet(
    AuditedListMixin,
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """People at risk. Every read is audited: these are the most restricted records we hold."""

    serializer_class = s.PersonAtRiskSerializer
    filterset_class = PersonAtRiskFilterSet

    def get_queryset(self):
        return selectors.people_at_risk_list(user=self.request.user)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = selectors.person_at_risk_get(user=request.user, pk=kwargs["pk"])
        audit_view(actor=request.user, obj=person)
        return Response(self.get_serializer(person).data)

    @extend_schema(request=s.PersonAtRiskCreateInput, responses={201: s.PersonAtRiskSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = read_input(s.PersonAtRiskCreateInput, request.data)
        line_id = data.pop("county_line")
        line = None if line_id is None else selectors.line_get(user=request.user, pk=line_id)
        person = person_at_risk_create(actor=request.user, county_line=line, **data)
        return self._respond(person.pk, status.HTTP_201_CREATED)

    @versioned_update_schema(request=s.PersonAtRiskUpdateInput, response=s.PersonAtRiskSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = selectors.person_at_risk_get(user=request.user, pk=kwargs["pk"])
        self.check_object_permissions(request, person)
        data = read_input(s.PersonAtRiskUpdateInput, request.data)
        data["version"] = self.client_version()
        person_at_risk_update(actor=request.user, person=person, **data)
        return self._respond(person.pk)

    @extend_schema(request=s.ReferralCreateInput, responses={201: s.PersonAtRiskSerializer})
    @action(detail=True, methods=["post"])
    def referrals(self, request: Request, pk: str) -> Response:
        person = selectors.person_at_risk_get(user=request.user, pk=pk)
        data = read_input(s.ReferralCreateInput, request.data)
        referral_create(actor=request.user, person=person, **data)
        return self._respond(person.pk, status.HTTP_201_CREATED)

    def _respond(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        person = selectors.person_at_risk_get(user=self.request.user, pk=pk)
        return Response(self.get_serializer(person).data, status=code)


class SafeguardingReferralViewSet(viewsets.GenericViewSet):
    serializer_class = s.ReferralSerializer

    def get_queryset(self):
        return selectors.referral_list(user=self.request.user)

    @extend_schema(request=s.ReferralOutcomeInput)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        referral = selectors.referral_get(user=request.user, pk=kwargs["pk"])
        data = read_input(s.ReferralOutcomeInput, request.data)
        referral = referral_record_outcome(actor=request.user, referral=referral, **data)
        return Response(self.get_serializer(referral).data)
