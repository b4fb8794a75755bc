"""Share API: the same selectors and services as the pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from countylines.models import CountyLine
from kentsoc.org.models import Force
from kentsoc.sharing import selectors
from kentsoc.sharing.api import serializers as s
from kentsoc.sharing.audit import audit_share_view
from kentsoc.sharing.services import (
    PERM_ADD,
    PERM_APPROVE,
    PERM_VIEW,
    share_approve,
    share_ask,
    share_offer,
    share_refuse,
    share_revoke,
)
from kentsoc.web.api import ActionPermissions, AuditedListMixin, read_input
from kentsoc.web.coerce import as_id
from ocg.models import OCG


class ShareViewSet(
    AuditedListMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Supervisors list their force's shares, given and received; other roles list the live
    shares whose records they read. A share's page names what it lends to the caller."""

    serializer_class = s.ShareSerializer
    permission_classes = [IsAuthenticated, ActionPermissions]
    action_permissions = {
        "create": PERM_ADD,
        "approve": PERM_APPROVE,
        "refuse": PERM_APPROVE,
        "revoke": PERM_APPROVE,
    }

    def get_queryset(self):
        user = self.request.user
        if user.has_perm(PERM_VIEW):
            return selectors.share_list(user=user).prefetch_related("records")
        return selectors.lent_to(user=user).prefetch_related("records")

    def _managed(self):
        pk = as_id(self.kwargs["pk"])  # a malformed id in the path is "not found", not an error
        shares = selectors.share_list(user=self.request.user)
        share = None if pk is None else shares.filter(pk=pk).first()
        if share is None:
            raise Http404("No share matches the given query.")
        self.check_object_permissions(self.request, share)
        return share

    def _respond(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        page = selectors.share_page(user=self.request.user, pk=pk)
        context = {**self.get_serializer_context(), "page": page}
        return Response(s.ShareDetailSerializer(page.share, context=context).data, status=code)

    @extend_schema(responses={200: s.ShareDetailSerializer})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = selectors.share_page(user=request.user, pk=kwargs["pk"])
        audit_share_view(actor=request.user, page=page)
        context = {**self.get_serializer_context(), "page": page}
        return Response(s.ShareDetailSerializer(page.share, context=context).data)

    @extend_schema(request=s.ShareCreateInput, responses={201: s.ShareDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = read_input(s.ShareCreateInput, request.data)
        common = {
            "access": data["access"],
            "reason": data["reason"],
            "starts_on": data.get("starts_on"),
            "ends_on": data.get("ends_on"),
        }
        if data.get("reference"):
            share = share_ask(actor=request.user, reference=data["reference"], **common)
        else:
            model, pk = (
                (CountyLine, data["county_line"]) if data.get("county_line") else (OCG, data["ocg"])
            )
            subject = model.objects.visible_to(request.user).filter(pk=pk).first()
            if subject is None:
                field = "county_line" if model is CountyLine else "ocg"
                return Response(
                    {field: [f"No {model._meta.verbose_name} of your force has id {pk}."]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
            # Any force may receive: the owner names it (reference data outside their own).
            receiving = Force._base_manager.filter(pk=data["receiving_force"]).first()
            if receiving is None:
                return Response(
                    {"receiving_force": [f"No force has id {data['receiving_force']}."]},
                    status=status.HTTP_400_BAD_REQUEST,
                )
            share = share_offer(
                actor=request.user,
                subject=subject,
                receiving_force=receiving,
                records=data.get("records", []),
                **common,
            )
        return self._respond(share.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.ShareApproveInput, responses={200: s.ShareDetailSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        share = self._managed()
        data = read_input(s.ShareApproveInput, request.data)
        share_approve(
            actor=request.user,
            share=share,
            records=data.get("records"),
            reason=data.get("reason", ""),
        )
        return self._respond(share.pk)

    @extend_schema(request=s.ShareReasonInput, responses={200: s.ShareDetailSerializer})
    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: str) -> Response:
        share = self._managed()
        data = read_input(s.ShareReasonInput, request.data)
        share_refuse(actor=request.user, share=share, reason=data["reason"])
        return self._respond(share.pk)

    @extend_schema(request=s.ShareReasonInput, responses={200: s.ShareDetailSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str) -> Response:
        share = self._managed()
        data = read_input(s.ShareReasonInput, request.data)
        share_revoke(actor=request.user, share=share, reason=data["reason"])
        return self._respond(share.pk)
