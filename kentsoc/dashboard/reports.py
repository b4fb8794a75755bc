"""The activity summary: the force's own table of what approved disruptions achieved.

Scope: approved disruptions whose date falls in the period (both ends inclusive), for one team, a
kind of team (`clgt`: every CLGT, the divisional ones and the Central CLGT, the way the force's own
table counts "CLGT activity"), one division (its teams; the Central division means the Central
CLGT) or the whole force.

"Weapon Seizures" in the force's table counts seizures (disruptions that seized a weapon), not
weapons: one warrant finding three knives is one seizure. The weapons themselves are a figure of
their own.

Sentences are counted by the DISRUPTION's date, not the court date: the report answers "what did
the disruptions of this period lead to", so a sentence handed down months later is still credited
to the period of the work that led to it, and the report for a closed period grows as results
come in rather than crediting old work to a later period.

Every figure comes from PostgreSQL aggregates: four queries whatever the number of records.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from disruptions.choices import (
    CourtOutcome,
    DisruptionStatus,
    DrugClass,
    ImpactGrade,
    Strand,
)
from disruptions.models import (
    CourtResult,
    Disruption,
    DrugSeizure,
    WeaponSeizure,
    format_sentence,
)
from disruptions.selectors import in_division
from kentsoc.dates import add_months
from kentsoc.org.choices import TeamKind
from kentsoc.org.models import Division, Team


def nine_month_period(end: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The report's default period: the first day of the month eight months before `end`'s
    month, through `end`. 2022-10-31 gives 2022-02-01..2022-10-31, the seed's February-to-October
    table."""
    start = add_months(end.replace(day=1), -8)
    return start, end


@dataclass
class DrugLine:
    drug_class: str
    unit: str
    amount: Decimal
    value: Decimal


@dataclass
class ActivitySummary:
    date_from: datetime.date
    date_to: datetime.date
    scope_label: str
    disruptions: int
    arrests: int
    prisoners_dealt_with: int
    warrants_executed: int
    charges: int
    weapon_seizures: int
    weapons: int
    sentence_months: int
    cash_seized: Decimal
    handsets: int
    sim_cards: int
    vehicles: int
    safeguarding_referrals: int
    drugs: list[DrugLine] = field(default_factory=list)
    by_grade: dict[str, int] = field(default_factory=dict)
    by_strand: dict[str, int] = field(default_factory=dict)

    @property
    def sentences(self) -> str:
        return format_sentence(self.sentence_months)

    def headline_rows(self) -> list[tuple[str, str]]:
        """The force's table, in its own words and order."""
        return [
            ("Arrests", str(self.arrests)),
            ("Prisoners dealt with", str(self.prisoners_dealt_with)),
            ("Warrants executed (Inc S32/18)", str(self.warrants_executed)),
            ("Charges-Total", str(self.charges)),
            ("Weapon Seizures", str(self.weapon_seizures)),
            ("Sentences", self.sentences),
        ]

    def grade_rows(self) -> list[tuple[str, int]]:
        return [(ImpactGrade(g).label, n) for g, n in self.by_grade.items()]

    def strand_rows(self) -> list[tuple[str, int]]:
        return [(Strand(s).label, n) for s, n in self.by_strand.items()]

    def all_rows(self) -> list[tuple[str, str]]:
        """Every figure as (label, value): the CSV and the print view."""
        rows = [
            ("Period", f"{self.date_from.isoformat()} to {self.date_to.isoformat()}"),
            ("Scope", self.scope_label),
            ("Approved disruptions", str(self.disruptions)),
            *self.headline_rows(),
            ("Weapons seized", str(self.weapons)),
            ("Cash seized (£)", f"{self.cash_seized:.2f}"),
            ("Handsets", str(self.handsets)),
            ("SIM cards", str(self.sim_cards)),
            ("Vehicles", str(self.vehicles)),
            ("Safeguarding referrals", str(self.safeguarding_referrals)),
        ]
        for line in self.drugs:
            rows.append((f"Drugs class {line.drug_class} ({line.unit})", f"{line.amount:f}"))
            rows.append(
                (f"Drugs class {line.drug_class} ({line.unit}) value (£)", f"{line.value:.2f}")
            )
        rows += [(f"Impact: {label}", str(n)) for label, n in self.grade_rows()]
        rows += [(f"4P: {label}", str(n)) for label, n in self.strand_rows()]
        return rows

    def as_dict(self) -> dict:
        return {
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "scope": self.scope_label,
            "disruptions": self.disruptions,
            "rows": [{"label": label, "value": value} for label, value in self.headline_rows()],
            "arrests": self.arrests,
            "prisoners_dealt_with": self.prisoners_dealt_with,
            "warrants_executed": self.warrants_executed,
            "charges": self.charges,
            "weapon_seizures": self.weapon_seizures,
            "weapons": self.weapons,
            "sentences": {
                "years": self.sentence_months // 12,
                "months": self.sentence_months % 12,
                "text": self.sentences,
            },
            "cash_seized": f"{self.cash_seized:.2f}",
            "handsets": self.handsets,
            "sim_cards": self.sim_cards,
            "vehicles": self.vehicles,
            "safeguarding_referrals": self.safeguarding_referrals,
            "drugs": [
                {
                    "class": d.drug_class,
                    "unit": d.unit,
                    "amount": f"{d.amount:f}",
                    "estimated_value": f"{d.value:.2f}",
                }
                for d in self.drugs
            ],
            "by_impact_grade": self.by_grade,
            "by_strand": self.by_strand,
        }


# A `team_kind` the report takes, and the team kinds it stands for.
TEAM_KIND_SCOPES = {
    TeamKind.CLGT.value: (
        "All CLGTs (divisional and Central)",
        frozenset({TeamKind.CLGT, TeamKind.CENTRAL_CLGT}),
    ),
}


def approved_in_scope(
    *,
    date_from: datetime.date,
    date_to: datetime.date,
    team: Team | None = None,
    division: Division | None = None,
    team_kind: str = "",
) -> QuerySet[Disruption]:
    qs = Disruption.objects.filter(
        status=DisruptionStatus.APPROVED, date__gte=date_from, date__lte=date_to
    )
    if team is not None:
        qs = qs.filter(team=team)
    if team_kind:
        qs = qs.filter(team__kind__in=sorted(TEAM_KIND_SCOPES[team_kind][1]))
    if division is not None:
        qs = qs.filter(in_division(division))
    return qs


def _scope_label(team: Team | None, division: Division | None, team_kind: str = "") -> str:
    if team_kind:
        kind = TEAM_KIND_SCOPES[team_kind][0]
        label = _scope_label(team, division)
        return kind if label == "Whole force" else f"{kind}: {label}"
    if team is not None and division is not None:
        return f"{team.name} ({division.name})"
    if team is not None:
        return team.name
    if division is not None:
        return f"{division.name} division"
    return "Whole force"


def activity_summary(
    *,
    date_from: datetime.date,
    date_to: datetime.date,
    team: Team | None = None,
    division: Division | None = None,
    team_kind: str = "",
) -> ActivitySummary:
    scope = approved_in_scope(
        date_from=date_from, date_to=date_to, team=team, division=division, team_kind=team_kind
    )
    ids = scope.values("pk")

    def total(name: str) -> Coalesce:
        return Coalesce(Sum(name), 0)

    sums = scope.aggregate(
        disruptions=Count("pk"),
        arrests=total("arrests"),
        prisoners_dealt_with=total("prisoners_dealt_with"),
        warrants_executed=total("warrants_executed"),
        charges=total("charges"),
        handsets=total("handsets"),
        sim_cards=total("sim_cards"),
        vehicles=total("vehicles"),
        safeguarding_referrals=total("safeguarding_referrals"),
        cash_seized=Coalesce(Sum("cash_seized"), Decimal("0")),
        **{f"grade_{g}": Count("pk", filter=Q(impact_grade=g)) for g in ImpactGrade.values},
        **{f"strand_{s}": Count("pk", filter=Q(strand=s)) for s in Strand.values},
    )
    weapons = WeaponSeizure.objects.filter(disruption__in=ids).aggregate(
        seizures=Count("disruption", distinct=True), weapons=total("count")
    )
    sentences = CourtResult.objects.filter(
        disruption__in=ids, outcome=CourtOutcome.CUSTODIAL
    ).aggregate(years=total("sentence_years"), months=total("sentence_months"))
    drug_rows = (
        DrugSeizure.objects.filter(disruption__in=ids)
        .values("drug_class", "unit")
        .annotate(amount=Sum("amount"), value=Sum("estimated_value"))
        .order_by("drug_class", "unit")
    )
    class_order = {c: i for i, c in enumerate(DrugClass.values)}
    drugs = sorted(
        (DrugLine(r["drug_class"], r["unit"], r["amount"], r["value"]) for r in drug_rows),
        key=lambda d: (class_order[d.drug_class], d.unit),
    )
    return ActivitySummary(
        date_from=date_from,
        date_to=date_to,
        scope_label=_scope_label(team, division, team_kind),
        disruptions=sums["disruptions"],
        arrests=sums["arrests"],
        prisoners_dealt_with=sums["prisoners_dealt_with"],
        warrants_executed=sums["warrants_executed"],
        charges=sums["charges"],
        weapon_seizures=weapons["seizures"],
        weapons=weapons["weapons"],
        sentence_months=sentences["years"] * 12 + sentences["months"],
        cash_seized=sums["cash_seized"],
        handsets=sums["handsets"],
        sim_cards=sums["sim_cards"],
        vehicles=sums["vehicles"],
        safeguarding_referrals=sums["safeguarding_referrals"],
        drugs=drugs,
        by_grade={g: sums[f"grade_{g}"] for g in ImpactGrade.values},
        by_strand={s: sums[f"strand_{s}"] for s in Strand.values},
    )
