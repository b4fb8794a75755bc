"""The people API: likely duplicates, merging two people, the merge history and undo.

`GET /api/people/duplicates/` pages the likely pairs; `POST /api/people/merge/` takes
`{"survivor": id, "merged": id, "reason": "..."}` and answers 201 with the merge;
`GET /api/people/merges/` and `/api/people/merges/<id>/` read the history;
`POST /api/people/merges/<id>/undo/` takes `{"reason": "..."}` and answers 200 with the merge, or
400 `{"non_field_errors": [...]}` saying why it cannot be undone safely."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kentsoc.audit.services import audit_read, audit_view
from kentsoc.people import selectors, services
from kentsoc.people.api import serializers as s
from kentsoc.people.filters import MergeFilterSet
from kentsoc.web.api import AuditedListMixin, StandardPagination, read_input
from ocg.models import Nominal


class CanMerge(permissions.BasePermission):
    message = "Only coordinators and supervisors may see duplicates and merge people."

    def has_permission(self, request: Request, view: Any) -> bool:
        return request.user.has_perm(services.PERM_MERGE)


_PERMISSIONS = [permissions.IsAuthenticated, CanMerge]


class DuplicateListView(APIView):
    """Likely duplicates among the people you may see, most alike first (at most 100 pairs):
    the same date of birth with similar or sound-alike names."""

    permission_classes = _PERMISSIONS
    # drf-spectacular reads this to document the paged envelope {count, next, previous, results}.
    pagination_class = StandardPagination

    @extend_schema(responses=s.PairSerializer(many=True))
    def get(self, request: Request) -> Response:
        pairs = selectors.duplicate_pairs(user=request.user)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(pairs, request, view=self)
        audit_read(
            actor=request.user,
            model=Nominal,
            ids=list(dict.fromkeys(n.pk for p in page for n in (p.first, p.second))),
            query=request.query_params.lists(),
            total=len(pairs),
        )
        return paginator.get_paginated_response(s.PairSerializer(page, many=True).data)


class MergeView(APIView):
    """Merge person `merged` into person `survivor`: everything pointing at `merged` moves to
    `survivor`, `merged` is deleted, and the merge is kept so it can be undone."""

    permission_classes = _PERMISSIONS

    @extend_schema(request=s.MergeInput, responses={201: s.MergeSerializer})
    def post(self, request: Request) -> Response:
        data = read_input(s.MergeInput, request.data)
        merge = services.nominal_merge(actor=request.user, **data)
        merge = selectors.merge_get(user=request.user, pk=merge.pk)
        return Response(s.MergeSerializer(merge).data, status=status.HTTP_201_CREATED)


class MergeViewSet(AuditedListMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Merges, newest first (`?state=live` or `undone`); each names the two people by id."""

    permission_classes = _PERMISSIONS
    serializer_class = s.MergeSerializer
    filterset_class = MergeFilterSet
    audit_people = "survivor"

    def get_queryset(self):
        return selectors.merge_list(user=self.request.user)

    def retrieve(self, request: Request, pk: str) -> Response:
        merge = selectors.merge_get(user=request.user, pk=pk)
        audit_view(actor=request.user, obj=merge)
        return Response(self.get_serializer(merge).data)

    @extend_schema(request=s.UndoInput, responses={200: s.MergeSerializer})
    @action(detail=True, methods=["post"])
    def undo(self, request: Request, pk: str) -> Response:
        merge = selectors.merge_get(user=request.user, pk=pk)
        data = read_input(s.UndoInput, request.data)
        services.merge_undo(actor=request.user, merge=merge, **data)
        return Response(self.get_serializer(selectors.merge_get(user=request.user, pk=pk)).data)
