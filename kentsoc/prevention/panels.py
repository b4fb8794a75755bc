"""The CLIO's home-page panel: their prevention work this month, and where to record more."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Sum, Value
from django.db.models.functions import Coalesce

from kentsoc.dates import today
from kentsoc.prevention.models import SchoolSession
from kentsoc.web.home import Panel, register_panel
from kentsoc.web.reader_queries import reader_values

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
    # The officer's own sessions counted in one row (no GROUP BY: one row when they gave none),
    # compiled once per officer and day (reader_values): compiling the scope was most of the
    # panel.
    (found,) = reader_values(
        "prevention.home_panel",
        user,
        lambda: (
            SchoolSession.objects.visible_to(user)
            .filter(officer=user, held_on__gte=start)
            .order_by()
            .annotate(one=Value(1))
            .values("one")
            .annotate(sessions=Count("pk"), audience_sum=Coalesce(Sum("audience"), 0))
        ),
    )
    figures = {"sessions": found["sessions"], "audience": found["audience_sum"]}
    return Panel(
        title="Prevention work",
        template="prevention/partials/home_panel.html",
        context={"figures": figures, "since": start, "links": LINKS},
        order=30,
    )


def register() -> None:
    register_panel(prevention_panel)
