"""Prevention-work API: the same selectors, FilterSets and services as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from kentsoc.audit.services import audit_view
from kentsoc.gangs.models import Gang
from kentsoc.org.models import Division
from kentsoc.prevention import selectors
from kentsoc.prevention.api import serializers as s
from kentsoc.prevention.filters import InterventionFilterSet, SchoolSessionFilterSet
from kentsoc.prevention.services import (
    PERM_ADD_INTERVENTION,
    PERM_ADD_SESSION,
    PERM_CHANGE_INTERVENTION,
    PERM_CHANGE_SESSION,
    intervention_create,
    intervention_update,
    school_session_create,
    school_session_update,
)
from kentsoc.web.api import (
    ActionPermissions,
    AuditedListMixin,
    VersionedUpdateMixin,
    read_input,
    versioned_update_schema,
)
from kentsoc.web.coerce import as_id


class ReadsPrevention(permissions.BasePermission):
    message = "Your role does not include prevention work."

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.user.has_perm(view.view_permission)


def division_named(value: str) -> Division | None:
    """The division an id or a code names; None when none was sent, a 400 when it is not one."""
    text = (value or "").strip()
    if not text:
        return None
    pk = as_id(text)
    division = Division.objects.filter(Q(pk=pk) if pk is not None else Q(code__iexact=text)).first()
    if division is None:
        raise ValidationError({"division": f"{text!r} is not a division: send its id or code."})
    return division


class _PreventionViewSet(
    AuditedListMixin,
    VersionedUpdateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [permissions.IsAuthenticated, ReadsPrevention, ActionPermissions]
    view_permission: str
    getter: Any

    def _record(self) -> Any:
        record = type(self).getter(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, record)
        return record

    def _respond(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        record = type(self).getter(user=self.request.user, pk=pk)
        return Response(self.get_serializer(record).data, status=code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self._record()
        audit_view(actor=request.user, obj=record)
        return Response(self.get_serializer(record).data)


class SchoolSessionViewSet(_PreventionViewSet):
    """School sessions CLIOs gave: school, date, audience size, topic, division and CLIO."""

    serializer_class = s.SchoolSessionSerializer
    filterset_class = SchoolSessionFilterSet
    view_permission = "prevention.view_schoolsession"
    action_permissions = {"create": PERM_ADD_SESSION, "partial_update": PERM_CHANGE_SESSION}
    getter = staticmethod(selectors.school_session_get)

    def get_queryset(self):
        return selectors.school_session_list(user=self.request.user)

    @extend_schema(request=s.SchoolSessionCreateInput, responses={201: s.SchoolSessionSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = read_input(s.SchoolSessionCreateInput, request.data)
        data["division"] = division_named(data["division"])
        session = school_session_create(actor=request.user, **data)
        return self._respond(session.pk, status.HTTP_201_CREATED)

    @versioned_update_schema(request=s.SchoolSessionUpdateInput, response=s.SchoolSessionSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        session = self._record()
        data = read_input(s.SchoolSessionUpdateInput, request.data)
        data["version"] = self.client_version()
        school_session_update(actor=request.user, session=session, **data)
        return self._respond(session.pk)


class InterventionViewSet(_PreventionViewSet):
    """Street-group interventions: the group or gang, young people engaged, referrals made."""

    serializer_class = s.InterventionSerializer
    filterset_class = InterventionFilterSet
    view_permission = "prevention.view_streetgroupintervention"
    action_permissions = {
        "create": PERM_ADD_INTERVENTION,
        "partial_update": PERM_CHANGE_INTERVENTION,
    }
    getter = staticmethod(selectors.intervention_get)

    def get_queryset(self):
        return selectors.intervention_list(user=self.request.user)

    @extend_schema(request=s.InterventionCreateInput, responses={201: s.InterventionSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = read_input(s.InterventionCreateInput, request.data)
        data["division"] = division_named(data["division"])
        gang = Gang.objects.visible_to(request.user).filter(pk=data.pop("gang")).first()
        if gang is None:
            raise ValidationError({"gang": "No street group or gang you may see has that id."})
        intervention = intervention_create(actor=request.user, gang=gang, **data)
        return self._respond(intervention.pk, status.HTTP_201_CREATED)

    @versioned_update_schema(request=s.InterventionUpdateInput, response=s.InterventionSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        intervention = self._record()
        data = read_input(s.InterventionUpdateInput, request.data)
        data["version"] = self.client_version()
        intervention_update(actor=request.user, intervention=intervention, **data)
        return self._respond(intervention.pk)
