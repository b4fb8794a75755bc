"""The OCG panels on the home page: what needs each role now.

Each reads the columns its card names as values, its scoped statement compiled once per officer
and day (reader_values): building and compiling the OCG scope with its joins was most of each
panel, on every home page of these roles."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Q, QuerySet

from kentsoc.dates import today
from kentsoc.org.choices import Role
from kentsoc.org.scoping import access_for
from kentsoc.web.home import Panel, register_panel
from kentsoc.web.reader_queries import reader_values
from ocg import scores
from ocg.choices import OcgStatus, PlanActionStatus
from ocg.models import OCG

PANEL_ROWS = 20
_STATUSES = dict(OCG._meta.get_field("status").flatchoices)


def your_ocgs(user: Any) -> Panel | None:
    access = access_for(user)
    if access is None or access.role != Role.LRO:
        return None
    ocgs = reader_values("ocg.your_ocgs_panel", user, lambda: _adopted_by(user))
    if not ocgs:
        return None
    return Panel("Your OCGs", "ocg/panels/your_ocgs.html", {"ocgs": ocgs}, order=10)


def _adopted_by(user: Any) -> QuerySet[OCG]:
    """The adopted OCGs the LRO leads, with their plan's overdue actions and current score."""
    ocgs = (
        OCG.objects.visible_to(user)
        .filter(lead_responsible_officer=user, status=OcgStatus.ADOPTED)
        .annotate(
            overdue_actions=Count(
                "plan_actions",
                filter=Q(plan_actions__due_on__lt=today())
                & ~Q(plan_actions__status=PlanActionStatus.DONE),
            ),
        )
    )
    return (
        scores.with_score_total(ocgs)
        .order_by("reference")
        .values("pk", "reference", "name", "managing_team__name", "overdue_actions", "score_total")
    )


def nominations_to_progress(user: Any) -> Panel | None:
    access = access_for(user)
    if access is None or access.role not in (Role.COORDINATOR, Role.RESEARCHER):
        return None
    ocgs = reader_values(
        "ocg.nominations_panel",
        user,
        lambda: (
            OCG.objects.visible_to(user)
            .filter(
                status__in=[OcgStatus.NOMINATED, OcgStatus.IN_DEVELOPMENT],
                mapping_submitted_at__isnull=True,
            )
            .order_by("nominated_on", "reference")
            .values("pk", "reference", "name", "status", "division__name", "nominated_on")[
                :PANEL_ROWS
            ]
        ),
    )
    if not ocgs:
        return None
    for ocg in ocgs:
        ocg["status_label"] = _STATUSES.get(ocg["status"], ocg["status"])
    return Panel("Nominations to progress", "ocg/panels/nominations.html", {"ocgs": ocgs}, order=20)


def waiting_for_approval(user: Any) -> Panel | None:
    """The supervisor's panel: OCGs submitted for mapping and mapped ones waiting for adoption."""
    access = access_for(user)
    if access is None or access.role != Role.SUPERVISOR:
        return None
    waiting = {
        "mapping": reader_values(
            "ocg.mapping_panel",
            user,
            lambda: (
                OCG.objects.visible_to(user)
                .filter(status=OcgStatus.IN_DEVELOPMENT, mapping_submitted_at__isnull=False)
                .order_by("mapping_submitted_at")
                .values("pk", "reference", "name", "division__name", on=F("mapping_submitted_at"))[
                    :PANEL_ROWS
                ]
            ),
        ),
        "adoption": reader_values(
            "ocg.adoption_panel",
            user,
            lambda: (
                OCG.objects.visible_to(user)
                .filter(status=OcgStatus.MAPPED)
                .order_by("mapped_on")
                .values("pk", "reference", "name", on=F("mapped_on"))[:PANEL_ROWS]
            ),
        ),
    }
    if not waiting["mapping"] and not waiting["adoption"]:
        return None
    return Panel("OCGs waiting for your approval", "ocg/panels/approvals.html", waiting, order=15)


def register() -> None:
    """Called from OcgConfig.ready(): the home page shows these, in this order."""
    for panel in (your_ocgs, nominations_to_progress, waiting_for_approval):
        register_panel(panel)
