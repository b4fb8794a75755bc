"""Reads, always scoped to what the user may see."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from countylines.models import CountyLine
from countylines.search import MIN_LENGTH
from countylines.search import subject_search as find_subjects
from disruptions.choices import DisruptionStatus
from disruptions.models import CourtResult, Disruption, Operation
from kentsoc import dates
from kentsoc.gangs.models import Gang
from kentsoc.gangs.search import gang_search
from kentsoc.intel.selectors import SUBJECT_MODELS, subjects_visible
from kentsoc.org.choices import TeamKind
from kentsoc.org.models import Division
from ocg.models import OCG, Nominal
from ocg.search import nominal_search

User = AbstractBaseUser | AnonymousUser


def in_division(division: Division, *, prefix: str = "") -> Q:
    """Disruptions (or rows reaching one through `prefix`, e.g. "disruption__") logged by a
    division's teams. The Central CLGT is a force-wide team; the Central "division" is its
    matrix, so its disruptions are the Central division's."""
    condition = Q(**{f"{prefix}team__division": division})
    if division.is_central:
        condition |= Q(**{f"{prefix}team__kind": TeamKind.CENTRAL_CLGT})
    return condition


# A user sees a disruption through any one of its subjects (DisruptionQuerySet.scope), so each of
# the others is shown only through its own scope (subjects_visible): a disruption on a line the
# CLGT works may also name an OCG in development, a member's LRO sees it through their OCG but not
# the other groups, lines and people it names; a lent line it was logged against is named to its
# author as the line's list shows it.


def _visible_prefetch(field_name: str, user: User, **kwargs: Any) -> Prefetch:
    return Prefetch(field_name, queryset=subjects_visible(field_name, user), **kwargs)


def _listed(disruptions: QuerySet[Disruption], user: User) -> QuerySet[Disruption]:
    """`disruptions` with what a list or queue names of each: its team, officers and operation,
    and the subjects the user may see."""
    return disruptions.select_related(
        "team", "officer", "operation", "created_by"
    ).prefetch_related(*(_visible_prefetch(f, user) for f in ("ocgs", "county_lines", "nominals")))


def disruption_list(*, user: User) -> QuerySet[Disruption]:
    return _listed(Disruption.objects.visible_to(user), user)


def disruption_rows(*, user: User) -> QuerySet[Disruption]:
    """What a row of the list's CSV shows: the subjects the user may see read into lists
    (`ocg_rows`, `line_rows`, `nominal_rows`), so naming them costs a row no query set of its
    own."""
    return (
        Disruption.objects.visible_to(user)
        .select_related("team", "officer", "operation")
        .prefetch_related(
            _visible_prefetch("ocgs", user, to_attr="ocg_rows"),
            _visible_prefetch("county_lines", user, to_attr="line_rows"),
            _visible_prefetch("nominals", user, to_attr="nominal_rows"),
        )
    )


def disruption_page_rows(*, user: User) -> QuerySet[Disruption]:
    """What a row of the list page shows of the disruption itself and its team; it names the
    subjects from `disruption_row_subjects`. The CSV's officer, operation and subjects'
    prefetches (`disruption_rows`) are not even built: their scopes were an eighth of the
    page's Python calls."""
    return (
        Disruption.objects.visible_to(user)
        .select_related("team")
        .only("date", "status", "tactic", "impact_grade", "arrests", "charges", "team__name")
    )


def subject_name(reference: str | None, name: str) -> str:
    """str() of an OCG, a county line or a gang, from its columns."""
    return f"{reference} {name}" if reference else name


def person_name(reference: str | None, first_name: str, last_name: str) -> str:
    """str() of a Nominal, from its columns."""
    full_name = f"{first_name} {last_name}".strip()
    return f"{full_name} ({reference})" if reference else full_name


# The columns a subject's name is written from, and how (its model's str()).
_NAMES: dict[str, tuple[tuple[str, ...], Callable[..., str]]] = {
    "ocgs": (("reference", "name"), subject_name),
    "county_lines": (("reference", "name"), subject_name),
    "nominals": (("reference", "first_name", "last_name"), person_name),
    "gangs": (("reference", "name"), subject_name),
}
_NAME_COLUMNS = max(len(columns) for columns, _ in _NAMES.values())


@dataclass
class SubjectsRead:
    """What a set of disruptions names, of each kind asked for: {kind: {disruption id: [the
    subject's id, or its name]}} for those the user may see, in the subject's own ordering (as a
    prefetch lists them), and, when asked, how many others each names ({disruption id: n})."""

    shown: dict[str, dict[int, list[Any]]]
    hidden: dict[int, int]


def _with_pk(ordering: Iterable[str], pk: str) -> list[str]:
    """A model's ordering made total, as Django's prefetch makes it (the id last)."""
    ordering = list(ordering)
    return ordering if pk in ordering or f"-{pk}" in ordering else [*ordering, pk]


def _subject_part(
    kind: str, position: int, ids_sql: str, user: User, *, names: bool, count_hidden: bool
) -> tuple[str, list[Any]] | None:
    """One kind's rows for `disruption_subjects`: (kind's position, disruption id, subject id,
    shown, name columns, rank in the subject's ordering). Of a subject the user may not see only
    that it is there is read, never its id or name. None when they may see none of the kind and
    hidden ones are not counted."""
    field = Disruption._meta.get_field(kind)
    through = field.remote_field.through._meta
    model = field.related_model
    quote = connection.ops.quote_name
    source = quote(through.get_field(field.m2m_field_name()).column)
    target = quote(through.get_field(field.m2m_reverse_field_name()).column)
    try:
        visible_sql, params = (
            subjects_visible(kind, user).order_by().values("pk").query.sql_with_params()
        )
        visible = f"t.{target} IN ({visible_sql})"
    except EmptyResultSet:  # visible_to gave none()
        if not count_hidden:
            return None
        visible, params = "1 = 0", ()
    order = ", ".join(
        f"s.{quote(model._meta.get_field(name.lstrip('-')).column)} "
        f"{'DESC' if name.startswith('-') else 'ASC'}"
        for name in _with_pk(model._meta.ordering, model._meta.pk.name)
    )
    texts = [
        f"CAST(s.{quote(model._meta.get_field(column).column)} AS TEXT)"
        for column in (_NAMES[kind][0] if names else ())
    ]
    texts += ["CAST(NULL AS TEXT)"] * ((_NAME_COLUMNS if names else 0) - len(texts))
    # Table and column names are the models'; the ids are integers; the scope is the ORM's SQL
    # with its parameters.
    if count_hidden:
        # The scope decides `shown` row by row; what is hidden stays in the database.
        rows = (
            f"(SELECT {source}, {target}, {visible} AS shown "  # noqa: S608
            f"FROM {quote(through.db_table)} t WHERE {source} IN ({ids_sql})) t"
        )
        columns = [
            f"CASE WHEN t.shown THEN t.{target} END",
            "t.shown",
            *(f"CASE WHEN t.shown THEN {text} END" for text in texts),
        ]
        where = ""
    else:
        rows = f"{quote(through.db_table)} t"
        columns = [f"t.{target}", "1 = 1", *texts]
        where = f" WHERE t.{source} IN ({ids_sql}) AND {visible}"
    sql = (
        f"SELECT {position}, t.{source}, {', '.join(columns)}, "  # noqa: S608
        f"ROW_NUMBER() OVER (ORDER BY {order}) FROM {rows} "
        f"INNER JOIN {quote(model._meta.db_table)} s ON s.{quote(model._meta.pk.column)} = "
        f"t.{target}{where}"
    )
    return sql, list(params)


def disruption_subjects(
    ids: list[int],
    *,
    user: User,
    kinds: Iterable[str] = tuple(SUBJECT_MODELS),
    names: bool = False,
    count_hidden: bool = False,
) -> SubjectsRead:
    """The OCGs, county lines, people and gangs (`kinds`) each of the disruptions `ids` names
    that the user may see (subjects_visible), by id or (`names`) as their str(); with
    `count_hidden`, how many others each names.

    One statement for every kind: each kind's scope is compiled by the ORM, the rest written
    here. A query per kind through the ORM (a prefetch, or values of the through table) cost
    some 4,000 Python calls to build and compile, most of a list's."""
    kinds = list(kinds)
    read = SubjectsRead(
        shown={kind: {pk: [] for pk in ids} for kind in kinds},
        hidden=dict.fromkeys(ids, 0) if count_hidden else {},
    )
    # The ids of rows just read, each an integer, written into the statement: a parameter each
    # would cost the driver a conversion, for every kind.
    ids_sql = ", ".join(str(int(pk)) for pk in ids)
    parts = (
        [
            _subject_part(kind, n, ids_sql, user, names=names, count_hidden=count_hidden)
            for n, kind in enumerate(kinds)
        ]
        if ids
        else []
    )
    parts = [part for part in parts if part is not None]
    if not parts:
        return read
    rank = 5 + (_NAME_COLUMNS if names else 0)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT * FROM ({' UNION ALL '.join(sql for sql, _ in parts)}) found "  # noqa: S608
            f"ORDER BY 1, {rank}",
            [param for _, params in parts for param in params],
        )
        found = cursor.fetchall()
    for position, disruption_id, subject_id, shown, *rest in found:
        if not shown:
            read.hidden[disruption_id] += 1
            continue
        kind = kinds[position]
        columns, name = _NAMES[kind]
        value = name(*rest[: len(columns)]) if names else subject_id
        read.shown[kind][disruption_id].append(value)
    return read


def disruption_row_subjects(
    ids: list[int], *, user: User
) -> dict[int, tuple[list[str], list[str], list[str]]]:
    """For a page of `disruption_rows`, the names of the OCGs, county lines and people each
    disruption is against that the user may see (`disruption_subjects`)."""
    shown = disruption_subjects(
        ids, user=user, kinds=("ocgs", "county_lines", "nominals"), names=True
    ).shown
    return {pk: (shown["ocgs"][pk], shown["county_lines"][pk], shown["nominals"][pk]) for pk in ids}


def disruption_records(*, user: User) -> QuerySet[Disruption]:
    """What the API gives of each disruption: its seizures, and the subjects and gangs it names
    that the user may see (subjects_visible), by id alone, so a record builds no OCG, line,
    nominal or gang rows it never shows."""
    return (
        Disruption.objects.visible_to(user)
        .select_related("team", "officer")
        .prefetch_related(
            *(
                Prefetch(name, queryset=subjects_visible(name, user).only("id"))
                for name in SUBJECT_MODELS
            ),
            "weapons",
            "drugs",
        )
    )


def disruption_api_rows(*, user: User) -> QuerySet[Disruption]:
    """A page of the API list: each disruption with its team's name and its officer's names
    beside it (`team_name`, `officer_first_name`, `officer_last_name`, `officer_username`: a
    team and a user row built for each was a tenth of the list's Python calls); what it names
    and seized the list serializer reads for the whole page as values."""
    return Disruption.objects.visible_to(user).annotate(
        team_name=F("team__name"),
        officer_first_name=F("officer__first_name"),
        officer_last_name=F("officer__last_name"),
        officer_username=F("officer__username"),
    )


# Who and what a disruption's record names beside its subjects.
_RECORD_RELATED = (
    "team",
    "officer",
    "operation",
    "created_by",
    "submitted_by",
    "approved_by",
    "returned_by",
)


def disruption_get(*, user: User, pk: int) -> Disruption:
    """A disruption to act on (change, submit, decide, add a court result to): its subjects all
    prefetched, as the author's log form lists them. Pages show `disruption_page_get`."""
    return (
        Disruption.objects.select_related(*_RECORD_RELATED)
        .prefetch_related("ocgs", "county_lines", "nominals", "gangs", "weapons", "drugs")
        .get_visible_or_404(user, pk=pk)
    )


def disruption_page_get(*, user: User, pk: int) -> Disruption:
    """The disruption's page: what it is against as the user may see it (`shown_ocgs`,
    `shown_county_lines`, `shown_nominals`, `shown_gangs`: names, each kind through its own
    scope), how many others it names they may not (`hidden_subjects`, a number: never who or
    what), and the court results they may see (about people they may see: CourtResult's
    scope)."""
    disruption = (
        Disruption.objects.select_related(*_RECORD_RELATED)
        .prefetch_related(
            "weapons",
            "drugs",
            Prefetch(
                "court_results",
                queryset=CourtResult.objects.visible_to(user).select_related("nominal"),
                to_attr="shown_court_results",
            ),
        )
        .get_visible_or_404(user, pk=pk)
    )
    subjects = disruption_subjects([disruption.pk], user=user, names=True, count_hidden=True)
    for kind, shown in subjects.shown.items():
        setattr(disruption, f"shown_{kind}", shown[disruption.pk])
    disruption.hidden_subjects = subjects.hidden[disruption.pk]
    return disruption


def disruption_my_drafts(*, user: User) -> QuerySet[Disruption]:
    """The author's own unfinished work: drafts, returned ones (with the reason) and those still
    waiting for a supervisor."""
    return (
        disruption_list(user=user)
        .filter(
            created_by_id=user.pk,
            status__in=[
                DisruptionStatus.DRAFT,
                DisruptionStatus.RETURNED,
                DisruptionStatus.SUBMITTED,
            ],
        )
        .order_by("status", "-updated_at")
    )


def has_own_disruptions(*, user: User, statuses: Iterable[str]) -> bool:
    """Whether the user logged any disruption now in one of `statuses`, whatever they may see of
    it now: a cheap first look before the scoped query that reads them (never shown itself)."""
    return Disruption.objects.filter(created_by_id=user.pk, status__in=statuses).exists()


def disruptions_awaiting(*, user: User) -> QuerySet[Disruption]:
    """Submitted disruptions this user may decide, oldest first: never their own. The rule
    alone, with none of the related rows a card shows (the home page's panel and the dashboard's
    count read these)."""
    if not user.has_perm("disruptions.approve_disruption"):
        return Disruption.objects.none()
    return (
        Disruption.objects.visible_to(user)
        .filter(status=DisruptionStatus.SUBMITTED)
        .exclude(Q(created_by_id=user.pk) | Q(officer_id=user.pk))
        .order_by("submitted_at", "id")
    )


def disruption_approval_queue(*, user: User) -> QuerySet[Disruption]:
    """`disruptions_awaiting`, each card naming what the disruption is against and counting its
    seizures: subjects (as disruption_list reads them), weapons and drugs are prefetched, a fixed
    number of queries whatever the number of cards."""
    return (
        _listed(disruptions_awaiting(user=user), user)
        .select_related("submitted_by")
        .prefetch_related("weapons", "drugs")
    )


def disruptions_for_subject(
    *,
    user: User,
    ocg: OCG | None = None,
    county_line: CountyLine | None = None,
    nominal: Nominal | None = None,
    gang: Gang | None = None,
) -> QuerySet[Disruption]:
    """The disruptions recorded against one OCG, line, nominal or gang that the user may see,
    newest first (for the subject's own page). Its rows show the disruption's own fields only, so
    nothing related is fetched with them."""
    qs = Disruption.objects.visible_to(user)
    if gang is not None:
        return qs.filter(gangs=gang).order_by("-date", "-id")
    if ocg is not None:
        qs = qs.filter(ocgs=ocg)
    if county_line is not None:
        qs = qs.filter(county_lines=county_line)
    if nominal is not None:
        qs = qs.filter(nominals=nominal)
    if ocg is None and county_line is None and nominal is None:
        return qs.none()
    return qs.order_by("-date", "-id")


def ocg_disruption_count_6m(ocg: OCG, *, today: datetime.date | None = None) -> int:
    """Approved disruptions against the OCG dated in the last six months (the force's figure)."""
    today = today or dates.today()
    return Disruption.objects.filter(
        ocgs=ocg,
        status=DisruptionStatus.APPROVED,
        date__gt=dates.add_months(today, -6),
        date__lte=today,
    ).count()


def _approved_of_operation() -> QuerySet[Disruption]:
    return Disruption.objects.filter(operation=OuterRef("pk"), status=DisruptionStatus.APPROVED)


def _approved_total(field: str) -> Coalesce:
    return Coalesce(
        Subquery(
            _approved_of_operation()
            .order_by()
            .values("operation")
            .annotate(total=Sum(field))
            .values("total"),
            output_field=IntegerField(),
        ),
        0,
    )


def operation_list(*, user: User) -> QuerySet[Operation]:
    """Operations with their results, from approved disruptions only (correlated subqueries, so
    the sums are not multiplied by the join to lines)."""
    through = Disruption.county_lines.through
    lines_targeted = Coalesce(
        Subquery(
            through.objects.filter(
                disruption__operation=OuterRef("pk"),
                disruption__status=DisruptionStatus.APPROVED,
            )
            .order_by()
            .values("disruption__operation")
            .annotate(n=Count("countyline", distinct=True))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )
    return (
        Operation.objects.visible_to(user)
        .prefetch_related("teams")
        .annotate(
            lines_targeted=lines_targeted,
            total_arrests=_approved_total("arrests"),
            total_charges=_approved_total("charges"),
            total_handsets=_approved_total("handsets"),
            approved_disruptions=Coalesce(
                Subquery(
                    _approved_of_operation()
                    .order_by()
                    .values("operation")
                    .annotate(n=Count("pk"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
        )
    )


def operation_get(*, user: User, pk: int) -> Operation:
    return operation_list(user=user).get_visible_or_404(user, pk=pk)


def operation_disruptions(*, user: User, operation: Operation) -> QuerySet[Disruption]:
    """The disruptions tagged to an operation that the user may see, as its page's rows show
    them: each with its team's name and its own figures, newest first and, of one day, the last
    logged first (the date alone left the order of a day's rows to the query plan)."""
    return (
        Disruption.objects.visible_to(user)
        .filter(operation=operation)
        .select_related("team")
        .only("date", "status", "tactic", "arrests", "charges", "handsets", "team__name")
        .order_by("-date", "-id")
    )


def court_result_list(*, user: User) -> QuerySet[CourtResult]:
    return CourtResult.objects.visible_to(user).select_related(
        "nominal", "disruption", "disruption__team", "created_by"
    )


def court_result_api_rows(*, user: User) -> QuerySet[CourtResult]:
    """A page of the API list: its fields are the result's own columns and ids, so none of the
    person, disruption, team and author rows `court_result_list` joins for the pages are read."""
    return CourtResult.objects.visible_to(user)


def court_result_rows(queryset: QuerySet[CourtResult]) -> QuerySet[CourtResult]:
    """What a row of the court results page shows, of `court_result_list` filtered: the result's
    own columns, and its person's and its disruption's team's names beside them (`person_*`,
    `team_name`), one model row each instead of four."""
    return (
        queryset.select_related(None)
        .only(
            "result_date",
            "nominal_id",
            "disruption_id",
            "court",
            "offences",
            "outcome",
            "sentence_years",
            "sentence_months",
            "non_custodial_kind",
        )
        .annotate(
            person_reference=F("nominal__reference"),
            person_first_name=F("nominal__first_name"),
            person_last_name=F("nominal__last_name"),
            team_name=F("disruption__team__name"),
        )
    )


def subject_search(
    *,
    user: User,
    q: str,
    limit: int = 8,
    exclude: Mapping[str, Iterable[int]] | None = None,
) -> dict[str, list]:
    """Search-as-you-type for the log form's "Against" picker: OCGs and lines by the one subject
    search, gangs by the gang search, nominals by the one nominal search, each only among those
    the user may see, less those already picked (`exclude`: ids under "ocgs", "county_lines",
    "gangs", "nominals")."""
    text = (q or "").strip()
    if len(text) < MIN_LENGTH:
        return {"ocgs": [], "county_lines": [], "gangs": [], "nominals": []}
    exclude = exclude or {}
    nominals = (
        nominal_search(user, text)
        .exclude(pk__in=exclude.get("nominals", ()))
        .order_by("last_name", "first_name", "pk")[:limit]
    )
    return {
        **find_subjects(user=user, text=text, limit=limit, exclude=exclude),
        "gangs": gang_search(user=user, text=text, limit=limit, exclude=exclude.get("gangs", ())),
        "nominals": list(nominals),
    }
