"""The coordinator lists as API (issue 9): the same selectors and FilterSets as the pages at
/lifetime/…, so the windows (inclusive), filters and scoping cannot diverge."""

from __future__ import annotations

from typing import Any

from rest_framework import mixins, permissions, viewsets
from rest_framework.request import Request

from kentsoc.lifetime import selectors
from kentsoc.lifetime.api import serializers as s
from kentsoc.lifetime.filters import (
    InPrisonFilterSet,
    ReleaseFilterSet,
    ScpoBreachFilterSet,
    ScpoExpiringFilterSet,
)
from kentsoc.web.api import AuditedListMixin


class CanViewLifetime(permissions.BasePermission):
    message = "Your role does not include lifetime management."

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.user.has_perm("lifetime.view_lifetime")


class _LifetimeList(AuditedListMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Each list names people: a page is audited with the rows' and the people's ids."""

    permission_classes = [permissions.IsAuthenticated, CanViewLifetime]
    selector: Any
    audit_people = "nominal"

    def get_queryset(self):
        return self.selector(user=self.request.user)


class ReleaseViewSet(_LifetimeList):
    """People in custody released within `within` days (default 90; today and the last day
    included), with their OCGs and whether licence conditions and an SCPO are in place."""

    selector = staticmethod(selectors.releases_list)
    serializer_class = s.ReleaseSerializer
    filterset_class = ReleaseFilterSet


class ScpoExpiringViewSet(_LifetimeList):
    """SCPOs in force expiring within `within` days (default 90, both ends included)."""

    selector = staticmethod(selectors.scpos_expiring_list)
    serializer_class = s.ScpoExpiringSerializer
    filterset_class = ScpoExpiringFilterSet


class ScpoBreachViewSet(_LifetimeList):
    """SCPO breaches between `from` and `to` (default the last 90 days, both included)."""

    selector = staticmethod(selectors.scpo_breaches_list)
    serializer_class = s.ScpoBreachSerializer
    filterset_class = ScpoBreachFilterSet
    audit_people = "scpo__nominal"


class InPrisonViewSet(_LifetimeList):
    """Current OCG members who are remanded or in prison, by OCG."""

    selector = staticmethod(selectors.in_prison_list)
    serializer_class = s.InPrisonSerializer
    filterset_class = InPrisonFilterSet
