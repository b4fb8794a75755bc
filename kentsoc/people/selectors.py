"""Reads for the duplicates and merge pages: likely pairs, a side-by-side view, merge history.

Likely duplicates are pairs of people the user may see who share a date of birth and whose names
are similar (pg_trgm's similarity of the accent-free names, at least NAME_SIMILARITY, in either
order) or sound alike (fuzzystrmatch's double metaphone of first and last name, either way round:
"Jon Smyth" and "John Smith", "Mohammed Khan" and "Muhammad Khan"), and pairs who hold the same
phone: both recorded as line holder of a deal line with the same number. Pairing every person
with every other is a self-join the ORM cannot write, so each is one SQL statement over the
people the user may see (their `visible_to` queryset, as a subquery). SQLite, which has neither
extension, pairs the same date of birth with the same name ignoring case and order (README).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Count, F, Func, QuerySet, TextField, Value
from django.db.models.functions import Concat, Lower

from countylines.choices import LineRole
from countylines.phones import display_mobile
from kentsoc.people.models import NominalMerge
from kentsoc.people.services import Relation, relations
from ocg.models import Nominal

NAME_SIMILARITY = 0.5
MAX_PAIRS = 100

# `people`: the people the user may see with a date of birth, their accent-free name and the
# double-metaphone codes of first and last name (_people_compared).
_PAIRS_POSTGRES = """
WITH people AS MATERIALIZED ({people})
SELECT a.id, b.id, similarity(a.name, b.name) AS score,
       (a.first_sound = b.first_sound AND a.last_sound = b.last_sound)
       OR (a.first_sound = b.last_sound AND a.last_sound = b.first_sound) AS sounds
FROM people a JOIN people b ON a.date_of_birth = b.date_of_birth AND a.id < b.id
WHERE similarity(a.name, b.name) >= %s
   OR (a.first_sound <> '' AND a.first_sound = b.first_sound AND a.last_sound = b.last_sound)
   OR (a.first_sound <> '' AND a.first_sound = b.last_sound AND a.last_sound = b.first_sound)
ORDER BY score DESC, a.id, b.id
LIMIT %s
"""

_PAIRS_SQLITE = """
WITH people AS (
    SELECT id, date_of_birth, lower(trim(first_name)) AS first, lower(trim(last_name)) AS last
    FROM ocg_nominal
    WHERE date_of_birth IS NOT NULL AND id IN ({visible})
)
SELECT a.id, b.id, 1.0 AS score, 0 AS sounds
FROM people a JOIN people b ON a.date_of_birth = b.date_of_birth AND a.id < b.id
WHERE (a.first = b.first AND a.last = b.last) OR (a.first = b.last AND a.last = b.first)
ORDER BY a.id, b.id
LIMIT %s
"""


# Two line holders of deal lines with one number: one phone, one holder.
_PAIRS_PHONE = """
SELECT a.nominal_id, b.nominal_id, min(da.number)
FROM countylines_linenominal a
JOIN countylines_dealline da ON da.county_line_id = a.county_line_id
JOIN countylines_dealline db ON db.number = da.number
JOIN countylines_linenominal b ON b.county_line_id = db.county_line_id
WHERE a.role = %s AND b.role = %s AND a.nominal_id < b.nominal_id
  AND a.nominal_id IN ({visible}) AND b.nominal_id IN ({visible})
GROUP BY a.nominal_id, b.nominal_id
ORDER BY a.nominal_id, b.nominal_id
LIMIT %s
"""


@dataclass(frozen=True)
class Pair:
    first: Nominal
    second: Nominal
    score: float
    why: str

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def _fetch(query: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def _people_compared(visible: QuerySet[Nominal]) -> QuerySet:
    """What the pairing compares, read straight from the user's people (one scan of their
    rows, not every person's, then the ones they may see)."""

    def plain(column: str) -> Func:
        return Func(F(column), function="unaccent", output_field=TextField())

    return (
        visible.filter(date_of_birth__isnull=False)
        .order_by()
        .values("id", "date_of_birth")
        .annotate(
            name=Lower(
                Func(
                    Concat("first_name", Value(" "), "last_name", output_field=TextField()),
                    function="unaccent",
                    output_field=TextField(),
                )
            ),
            first_sound=Func(plain("first_name"), function="dmetaphone"),
            last_sound=Func(plain("last_name"), function="dmetaphone"),
        )
    )


def _name_pairs(visible: QuerySet[Nominal], limit: int) -> dict[tuple[int, int], Any]:
    """{(id, id): (score, why)} for pairs with one date of birth and alike names."""
    if connection.vendor != "postgresql":
        sql, params = visible.order_by().values("pk").query.sql_with_params()
        rows = _fetch(_PAIRS_SQLITE.format(visible=sql), (*params, limit))
        return {(a, b): (1.0, "Same name and date of birth") for a, b, _, _ in rows}
    sql, params = _people_compared(visible).query.sql_with_params()
    rows = _fetch(_PAIRS_POSTGRES.format(people=sql), (*params, NAME_SIMILARITY, limit))
    return {
        (a, b): (
            float(score),
            f"Same date of birth; names {round(score * 100)}% alike"
            if score >= NAME_SIMILARITY
            else "Same date of birth; names sound alike",
        )
        for a, b, score, _ in rows
    }


def _phone_pairs(visible: QuerySet[Nominal], limit: int) -> dict[tuple[int, int], str]:
    """{(id, id): why} for two line holders of one deal-line number."""
    sql, params = visible.order_by().values("pk").query.sql_with_params()
    holder = LineRole.LINE_HOLDER.value
    rows = _fetch(_PAIRS_PHONE.format(visible=sql), (holder, holder, *params, *params, limit))
    return {(a, b): f"Both hold the phone {display_mobile(number)}" for a, b, number in rows}


def duplicate_pairs(*, user: AbstractBaseUser, limit: int = MAX_PAIRS) -> list[Pair]:
    """The likeliest duplicate pairs among the people `user` may see: alike names with one date
    of birth, most alike first, then one phone held by two; at most `limit`. The same queries,
    however many pairs."""
    visible = Nominal.objects.visible_to(user)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The planner prices a self-join of every person far above what it costs, so it
            # compiles it (JIT): at 60,000 people that took longer than running it.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        found = _name_pairs(visible, limit)
        phones = _phone_pairs(visible, limit)
    for key, why in phones.items():
        score, named = found.get(key, (0.0, ""))
        found[key] = (score, f"{named}; {why[0].lower()}{why[1:]}" if named else why)
    ranked = sorted(found.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
    people = visible.in_bulk({pk for (a, b), _ in ranked for pk in (a, b)})
    return [
        Pair(people[a], people[b], score, why)
        for (a, b), (score, why) in ranked
        if a in people and b in people
    ]


@dataclass
class Side:
    """One person's column on the compare page: their details and how many of each kind of
    record point at them."""

    nominal: Nominal
    counts: dict[str, int] = field(default_factory=dict)


def link_counts(ids: list[int]) -> tuple[list[Relation], dict[int, Counter]]:
    """For each person, how many rows of each relation point at them: one query per kind of
    link, whoever and however many the people."""
    found = relations()
    counts: dict[int, Counter] = {pk: Counter() for pk in ids}
    for relation in found:
        column = relation.field.attname
        rows = (
            relation.model._base_manager.filter(**{f"{column}__in": ids})
            .values(column)
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            counts[row[column]][relation.noun] += row["n"]
    return found, counts


def compare(*, user: AbstractBaseUser, ids: list[int]) -> list[Side]:
    """The people `ids` (those the user may see, in that order) side by side."""
    people = Nominal.objects.visible_to(user).in_bulk(ids)
    found, counts = link_counts([pk for pk in ids if pk in people])
    nouns = sorted({r.noun for r in found})
    return [
        Side(people[pk], {noun: counts[pk][noun] for noun in nouns}) for pk in ids if pk in people
    ]


def merge_list(*, user: AbstractBaseUser) -> QuerySet[NominalMerge]:
    return NominalMerge.objects.visible_to(user).select_related(
        "merged_by__officer", "undone_by__officer"
    )


def merge_get(*, user: AbstractBaseUser, pk: Any) -> NominalMerge:
    return NominalMerge.objects.select_related(
        "merged_by__officer", "undone_by__officer"
    ).get_visible_or_404(user, pk=pk)


def surviving(*, user: AbstractBaseUser, merges: list[NominalMerge]) -> dict[int, Nominal]:
    """The survivors of `merges` that still exist and the user may see, by id (one query), so a
    history links to each survivor's page."""
    return Nominal.objects.visible_to(user).in_bulk({m.survivor_id for m in merges})
