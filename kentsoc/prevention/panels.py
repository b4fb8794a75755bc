"""The CLIO's home-page panel: their prevention work this month, and where to record more."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce

from kentsoc.dates import today
from kentsoc.prevention.models import SchoolSession
from kentsoc.web.home import Panel, register_panel

LINKS = [
    ("prevention:session-new", "Record a school session"),
    ("prevention:sessions", "School sessions"),
    ("countylines:person-new", "Record someone met with no county line"),
    ("clio:activity", "CLIO activity summary"),
]


def prevention_panel(user: Any) -> Panel | None:
    if not user.has_perm("prevention.add_schoolsession"):
        return None
    start = today().replace(day=1)
    mine = SchoolSession.objects.visible_to(user).filter(officer=user, held_on__gte=start)
    figures = mine.aggregate(sessions=Count("pk"), audience=Coalesce(Sum("audience"), 0))
    return Panel(
        title="Prevention work",
        template="prevention/partials/home_panel.html",
        context={"figures": figures, "since": start, "links": LINKS},
        order=30,
    )


def register() -> None:
    register_panel(prevention_panel)
