"""Matrix API: stored rankings, score explanations and force snapshots. Read-only."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record
from kentsoc.matrix import selectors
from kentsoc.matrix.api import serializers as s
from kentsoc.matrix.filters import ForceSnapshotFilterSet, RankingFilterSet
from kentsoc.trh.choices import FORCE_PARTITION, RankedSubject


class CanViewMatrix(permissions.BasePermission):
    message = "Your role does not include reading the TRH matrix."

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.user.has_perm("matrix.view_score")


class _RankingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated, CanViewMatrix]
    filterset_class = RankingFilterSet
    subject_type: str
    audit_object_type: str

    def get_queryset(self):
        return selectors.ranking_list(user=self.request.user, subject_type=self.subject_type)

    @extend_schema(responses=s.ScoreExplanationSerializer)
    @action(detail=True, methods=["get"])
    def explain(self, request: Request, pk: str | None = None) -> Response:
        """The current score factor by factor, with the intelligence records behind each level."""
        explained = selectors.score_explain(
            user=request.user, subject_type=self.subject_type, pk=pk
        )
        # The explanation names intelligence records: reading it is audited like reading them.
        audit_record(
            actor=request.user,
            action=AuditAction.VIEW,
            object_type=self.audit_object_type,
            object_id=explained["subject"],
            object_repr=f"{explained['reference']} score explanation",
        )
        # Issue 4 calls this list the score's "breakdown"; the pages call it "factors". Both
        # names are served so clients written against either read the same list.
        return Response({**explained, "breakdown": explained["factors"]})


class CountyLineRankingViewSet(_RankingViewSet):
    """Active county lines ranked within their (effective) division."""

    serializer_class = s.CountyLineRankingSerializer
    subject_type = RankedSubject.COUNTY_LINE
    audit_object_type = "countylines.countyline"


class OcgRankingViewSet(_RankingViewSet):
    """Mapped and adopted OCGs ranked force-wide (no division) or within a division."""

    serializer_class = s.OcgRankingSerializer
    subject_type = RankedSubject.OCG
    audit_object_type = "ocg.ocg"

    def get_queryset(self):
        queryset = super().get_queryset()
        if not self.request.query_params.get("division"):
            queryset = queryset.filter(partition=FORCE_PARTITION)
        return queryset


class ForceSnapshotViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Daily force totals (active lines, total TRH, OCG counts) for trend charts."""

    permission_classes = [permissions.IsAuthenticated, CanViewMatrix]
    serializer_class = s.ForceSnapshotSerializer
    filterset_class = ForceSnapshotFilterSet

    def get_queryset(self):
        return selectors.snapshot_list(user=self.request.user)
