"""Reads of prevention work, scoped to what the user may see (models.prevention_q), with the
joins their lists need so a page costs the same number of queries whatever its length."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kentsoc.prevention.models import SchoolSession, StreetGroupIntervention


def school_session_list(*, user: Any) -> QuerySet[SchoolSession]:
    return SchoolSession.objects.visible_to(user).select_related("division", "officer")


def school_session_get(*, user: Any, pk: Any) -> SchoolSession:
    return SchoolSession.objects.select_related("division", "officer").get_visible_or_404(
        user, pk=pk
    )


def intervention_list(*, user: Any) -> QuerySet[StreetGroupIntervention]:
    return StreetGroupIntervention.objects.visible_to(user).select_related(
        "gang", "division", "officer"
    )


def intervention_get(*, user: Any, pk: Any) -> StreetGroupIntervention:
    return StreetGroupIntervention.objects.select_related(
        "gang", "division", "officer"
    ).get_visible_or_404(user, pk=pk)
