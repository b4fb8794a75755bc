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
Their SQL is the same for every request of one shape of scope but for the period and the team,
so it is compiled once per process (`_compiled`): building and compiling the four querysets,
twenty-odd filtered counts among them, was half the report page's Python calls (issue 18).
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
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
    force_id: int | None,
    date_from: datetime.date,
    date_to: datetime.date,
    team: Team | int | None = None,
    division: Division | None = None,
    team_kind: str = "",
) -> QuerySet[Disruption]:
    """Approved disruptions dated in the period, of one force (`force_id`: the reader's; None
    only for a caller that narrows them to what its reader may see itself), and of a team,
    division or kind of team when one is given."""
    qs = Disruption.objects.filter(
        status=DisruptionStatus.APPROVED, date__gte=date_from, date__lte=date_to
    )
    if force_id is not None:
        qs = qs.filter(force_id=force_id)
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


def _figures(scope: QuerySet[Disruption]) -> list[list[dict[str, Any]]]:
    """The report's four reads of `scope`, each as a list of rows: the sums (one row), the
    weapons (one row), the custodial sentences (one row) and the drugs by class and unit."""
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
    return [[sums], [weapons], [sentences], list(drug_rows)]


# Values no request binds (a period a thousand years ago, a team id no team has): where they
# land among the compiled statements' parameters, each request's period and team are bound.
_FROM_MARK = datetime.date(1000, 1, 1)
_TO_MARK = datetime.date(1000, 1, 2)
_TEAM_MARK = -7_364_903
_FORCE_MARK = -7_364_904


class _CompiledFigures:
    """`_figures` of one shape of scope (a team or none, the division, the kind of team) as the
    four statements the ORM runs for it, captured once with the marks in place of the period
    and team, then run with each request's bound. Every figure is a count or a sum of integer or
    decimal columns, which PostgreSQL returns as the ORM gives them (int and Decimal), so the
    rows are the same."""

    def __init__(self, *, team: bool, division: Division | None, team_kind: str) -> None:
        captured: list[tuple[str, list[Any]]] = []

        def capture(execute: Callable[..., Any], sql: str, params: Any, *args: Any) -> Any:
            captured.append((sql, list(params or ())))
            return execute(sql, params, *args)

        scope = approved_in_scope(
            force_id=_FORCE_MARK,
            date_from=_FROM_MARK,
            date_to=_TO_MARK,
            team=_TEAM_MARK if team else None,
            division=division,
            team_kind=team_kind,
        )
        with connection.execute_wrapper(capture):
            _figures(scope)
        if len(captured) != 4:
            raise RuntimeError(f"the activity summary ran {len(captured)} statements, not 4")
        marks = {_FROM_MARK: "from", _TO_MARK: "to", _TEAM_MARK: "team", _FORCE_MARK: "force"}
        self.statements = [
            (
                sql,
                params,
                [
                    (i, marks[value])
                    for i, value in enumerate(params)
                    if type(value) in (datetime.date, int) and value in marks
                ],
            )
            for sql, params in captured
        ]
        wanted = {"from", "to", "force", "team"} if team else {"from", "to", "force"}
        for sql, _, found in self.statements:
            if {name for _, name in found} != wanted:
                raise RuntimeError(f"the period or team is not bound in {sql[:120]!r}")

    def figures(
        self, *, force_id: int, date_from: datetime.date, date_to: datetime.date, team: Team | None
    ) -> list[list[dict[str, Any]]]:
        bound = {
            "force": force_id,
            "from": date_from,
            "to": date_to,
            "team": team.pk if team else None,
        }
        results = []
        with connection.cursor() as cursor:
            for sql, params, marks in self.statements:
                values = list(params)
                for i, name in marks:
                    values[i] = bound[name]
                cursor.execute(sql, values)
                names = [column.name for column in cursor.description]
                results.append([dict(zip(names, row, strict=True)) for row in cursor.fetchall()])
        return results


# (vendor, a team or none, division id and whether it is Central, kind of team) -> its
# statements: a handful per process (a force has about ten divisions).
_compiled: dict[tuple[Any, ...], _CompiledFigures] = {}
_lock = threading.Lock()


def _compiled_figures(
    *, team: Team | None, division: Division | None, team_kind: str
) -> _CompiledFigures:
    key = (
        connection.vendor,
        team is not None,
        division.pk if division else None,
        division.is_central if division else None,
        team_kind,
    )
    with _lock:
        compiled = _compiled.get(key)
        if compiled is None:
            compiled = _compiled[key] = _CompiledFigures(
                team=team is not None, division=division, team_kind=team_kind
            )
    return compiled


def activity_summary(
    *,
    force_id: int,
    date_from: datetime.date,
    date_to: datetime.date,
    team: Team | None = None,
    division: Division | None = None,
    team_kind: str = "",
) -> ActivitySummary:
    [sums], [weapons], [sentences], drug_rows = _compiled_figures(
        team=team, division=division, team_kind=team_kind
    ).figures(force_id=force_id, date_from=date_from, date_to=date_to, team=team)
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
