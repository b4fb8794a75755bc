"""The CLIO activity summary: what the CLIOs' prevention and safeguarding work came to in a
period, for a division or every division the reader may see.

Each figure is one PostgreSQL aggregate over the records the reader may see (`visible_to`): four
queries whatever the number of records. So a CLIO's summary counts their own division's work,
and the people at risk and referrals counted are only those the reader may see (children's
records stay with their division's CLIOs and supervisors, even as a count).

People at risk count when they were recorded; referrals by the date they were made; sessions and
interventions by the day they took place. Both ends of the period are included.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from countylines.models import PersonAtRisk, SafeguardingReferral
from kentsoc.dashboard.forms import ActivitySummaryForm
from kentsoc.org.models import Division
from kentsoc.prevention.models import SchoolSession, StreetGroupIntervention


class ClioActivityForm(ActivitySummaryForm):
    """The activity summary's period handling (the same fields, default and checks) with a
    division only: prevention work is not done by teams."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("team", "team_kind"):
            self.fields.pop(name)
        self.fields["division"].queryset = Division.objects.filter(is_central=False)


@dataclass(frozen=True)
class ClioActivity:
    date_from: datetime.date
    date_to: datetime.date
    scope_label: str
    school_sessions: int
    total_audience: int
    interventions: int
    young_people_engaged: int
    referrals_made: int
    people_at_risk_recorded: int
    people_met_without_a_line: int
    safeguarding_referrals: int

    def rows(self) -> list[tuple[str, int]]:
        """Every figure, in the order the page, the CSV and the API list them."""
        return [
            ("School sessions", self.school_sessions),
            ("Total audience", self.total_audience),
            ("Street-group interventions", self.interventions),
            ("Young people engaged", self.young_people_engaged),
            ("Referrals made from interventions", self.referrals_made),
            ("People at risk recorded", self.people_at_risk_recorded),
            ("of whom met with no county line", self.people_met_without_a_line),
            ("Safeguarding referrals", self.safeguarding_referrals),
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "scope": self.scope_label,
            "school_sessions": self.school_sessions,
            "total_audience": self.total_audience,
            "interventions": self.interventions,
            "young_people_engaged": self.young_people_engaged,
            "referrals_made": self.referrals_made,
            "people_at_risk_recorded": self.people_at_risk_recorded,
            "people_met_without_a_line": self.people_met_without_a_line,
            "safeguarding_referrals": self.safeguarding_referrals,
            "rows": [{"label": label, "value": value} for label, value in self.rows()],
        }


def _person_in(division: Division, prefix: str = "") -> Q:
    """A person at risk belongs to the division they were met in (no line) or to their line's
    home division."""
    return Q(**{f"{prefix}county_line__isnull": True, f"{prefix}division": division}) | Q(
        **{f"{prefix}county_line__division": division}
    )


def clio_activity(
    *,
    user: Any,
    date_from: datetime.date,
    date_to: datetime.date,
    division: Division | None = None,
) -> ClioActivity:
    held = Q(held_on__gte=date_from, held_on__lte=date_to)
    in_division = Q(division=division) if division is not None else Q()
    sessions = (
        SchoolSession.objects.visible_to(user)
        .filter(held, in_division)
        .aggregate(count=Count("pk"), audience=Coalesce(Sum("audience"), 0))
    )
    interventions = (
        StreetGroupIntervention.objects.visible_to(user)
        .filter(held, in_division)
        .aggregate(
            count=Count("pk"),
            engaged=Coalesce(Sum("young_people_engaged"), 0),
            referred=Coalesce(Sum("referrals_made"), 0),
        )
    )
    people = PersonAtRisk.objects.visible_to(user).filter(
        created_at__date__gte=date_from, created_at__date__lte=date_to
    )
    if division is not None:
        people = people.filter(_person_in(division))
    recorded = people.aggregate(
        count=Count("pk"), without_line=Count("pk", filter=Q(county_line__isnull=True))
    )
    referrals = SafeguardingReferral.objects.visible_to(user).filter(
        referred_on__gte=date_from, referred_on__lte=date_to
    )
    if division is not None:
        referrals = referrals.filter(_person_in(division, prefix="person__"))
    return ClioActivity(
        date_from=date_from,
        date_to=date_to,
        scope_label=f"{division.name} division"
        if division is not None
        else "Every division you may see",
        school_sessions=sessions["count"],
        total_audience=sessions["audience"],
        interventions=interventions["count"],
        young_people_engaged=interventions["engaged"],
        referrals_made=interventions["referred"],
        people_at_risk_recorded=recorded["count"],
        people_met_without_a_line=recorded["without_line"],
        safeguarding_referrals=referrals.count(),
    )
