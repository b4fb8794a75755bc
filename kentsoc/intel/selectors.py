"""Reads of intelligence records and definition evidence, scoped to what the user may see."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    CharField,
    F,
    Func,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from countylines import definition as line_definition
from countylines.models import CountyLine
from kentsoc.gangs.models import Gang
from kentsoc.intel.choices import (
    MIN_CURRENT_MEMBERS,
    PROVEN_BY_MEMBERS,
    CountyLineCriterion,
    HandlingCode,
    OcgCriterion,
)
from kentsoc.intel.models import DefinitionEvidence, FactorClaim, IntelligenceRecord
from kentsoc.org.choices import Role
from kentsoc.org.scoping import READ, access_for
from kentsoc.web.reader_queries import reader_query, reader_sql
from kentsoc.web.reader_rows import (
    MARK,
    kept_rows,
    reader_ids,
    reader_instances,
    subject_id_rows,
    subject_instances,
    subject_rows,
)
from kentsoc.web.values import grouped
from ocg import definition as ocg_definition
from ocg.definition import Gap
from ocg.models import OCG, Nominal

RESTRICTED_CONDITIONS = "restricted: handling conditions apply"

# What a record is about, by field. A user reads a record by its own scope (every record of the
# force for the OCGMU and the CLGTs; those on their OCGs for an LRO), while the OCGs, lines,
# people and gangs it names each have theirs: a record the CLGT reads may name an OCG still in
# development, one on an LRO's OCG other groups and people. Each is named only through its own.
SUBJECT_MODELS: dict[str, type[OCG | CountyLine | Nominal | Gang]] = {
    "ocgs": OCG,
    "county_lines": CountyLine,
    "nominals": Nominal,
    "gangs": Gang,
}


def subjects_visible(field_name: str, user: Any) -> QuerySet:
    """The subjects of one kind (a field of SUBJECT_MODELS) the user may see, lent lines and
    OCGs with them as their lists show them."""
    return SUBJECT_MODELS[field_name].objects.visible_to(user, lent=READ)


# How a kind's subjects are named: the columns read, and the function of them giving the name.
Namer = tuple[tuple[str, ...], Callable[..., Any]]


@dataclass
class SubjectsRead:
    """What a set of records (disruptions, intelligence) names, of each kind asked for: {kind:
    {record id: [the subject's id, or its name]}} for those the user may see, in the subject's
    own ordering (as a prefetch lists them), and, when asked, how many others each names ({record
    id: n})."""

    shown: dict[str, dict[int, list[Any]]]
    hidden: dict[int, int]


def _with_pk(ordering: Iterable[str], pk: str) -> list[str]:
    """A model's ordering made total, as Django's prefetch makes it (the id last)."""
    ordering = list(ordering)
    return ordering if pk in ordering or f"-{pk}" in ordering else [*ordering, pk]


def _subject_part(
    model: type[Model],
    kind: str,
    position: int,
    ids_sql: str,
    user: Any,
    *,
    columns: tuple[str, ...],
    width: int,
    count_hidden: bool,
    ids_params: tuple[Any, ...] = (),
) -> tuple[str, list[Any]] | None:
    """One kind's rows for `linked_subjects`: (kind's position, record id, subject id, shown,
    `width` name columns, `columns` of them read, rank in the subject's ordering). Of a subject
    the user may not see only that it is there is read, never its id or name. None when they may
    see none of the kind and hidden ones are not counted."""
    field = model._meta.get_field(kind)
    through = field.remote_field.through._meta
    subject = field.related_model
    quote = connection.ops.quote_name
    source = quote(through.get_field(field.m2m_field_name()).column)
    target = quote(through.get_field(field.m2m_reverse_field_name()).column)
    try:
        # The scope names no record: its SQL is compiled once per officer and day.
        visible_sql, params = reader_sql(
            f"intel.subjects_visible.{kind}",
            user,
            lambda: subjects_visible(kind, user).order_by().values("pk"),
        )
        visible = f"t.{target} IN ({visible_sql})"
    except EmptyResultSet:  # visible_to gave none()
        if not count_hidden:
            return None
        visible, params = "1 = 0", ()
    order = ", ".join(
        f"s.{quote(subject._meta.get_field(name.lstrip('-')).column)} "
        f"{'DESC' if name.startswith('-') else 'ASC'}"
        for name in _with_pk(subject._meta.ordering, subject._meta.pk.name)
    )
    texts = [
        f"CAST(s.{quote(subject._meta.get_field(column).column)} AS TEXT)" for column in columns
    ]
    texts += ["CAST(NULL AS TEXT)"] * (width - len(texts))
    # Table and column names are the models'; the ids are integers; the scope is the ORM's SQL
    # with its parameters.
    if count_hidden:
        # The scope decides `shown` row by row; what is hidden stays in the database. PostgreSQL
        # would pull the derived table up and copy the scope into each CASE below, planning and
        # running it once per column (a page's statement 15 ms instead of 3): OFFSET 0 keeps
        # `shown` one value a row.
        fence = " OFFSET 0" if connection.vendor == "postgresql" else ""
        rows = (
            f"(SELECT {source}, {target}, {visible} AS shown "  # noqa: S608
            f"FROM {quote(through.db_table)} t WHERE {source} IN ({ids_sql}){fence}) t"
        )
        selected = [
            f"CASE WHEN t.shown THEN t.{target} END",
            "t.shown",
            *(f"CASE WHEN t.shown THEN {text} END" for text in texts),
        ]
        where = ""
        params = (*params, *ids_params)
    else:
        rows = f"{quote(through.db_table)} t"
        selected = [f"t.{target}", "1 = 1", *texts]
        where = f" WHERE t.{source} IN ({ids_sql}) AND {visible}"
        params = (*ids_params, *params)
    sql = (
        f"SELECT {position}, t.{source}, {', '.join(selected)}, "  # noqa: S608
        f"ROW_NUMBER() OVER (ORDER BY {order}) FROM {rows} "
        f"INNER JOIN {quote(subject._meta.db_table)} s ON s.{quote(subject._meta.pk.column)} = "
        f"t.{target}{where}"
    )
    return sql, list(params)


def linked_subjects(
    model: type[Model],
    ids: list[int],
    *,
    user: Any,
    kinds: Iterable[str] = tuple(SUBJECT_MODELS),
    names: Mapping[str, Namer] | None = None,
    count_hidden: bool = False,
) -> SubjectsRead:
    """The OCGs, county lines, people and gangs (`kinds`, `model`'s many-to-many fields) each of
    the `model` rows `ids` names that the user may see (subjects_visible), by id or, given
    `names`, as each kind's namer names them; with `count_hidden`, how many others each names.

    One statement for every kind: each kind's scope is compiled by the ORM (once per officer and
    day), the rest written here. A query per kind through the ORM (a prefetch, or values of the
    through table) cost some 4,000 Python calls to build and compile, most of a list's."""
    kinds = list(kinds)
    read = SubjectsRead(
        shown={kind: {pk: [] for pk in ids} for kind in kinds},
        hidden=dict.fromkeys(ids, 0) if count_hidden else {},
    )
    width = max((len(names[kind][0]) for kind in kinds), default=0) if names else 0
    if connection.vendor == "postgresql":
        # The ids as one array, so that the statement is the same for any page of rows: it is
        # run by name, prepared once per connection (kept_rows), where planning it took
        # PostgreSQL longer than running it (a disruption list's 3.4 ms against 2.7).
        ids_sql, ids_params = "SELECT unnest(%s::bigint[])", (MARK,)
    else:
        # The ids of rows just read, each an integer, written into the statement: a parameter
        # each would cost the driver a conversion, for every kind.
        ids_sql, ids_params = ", ".join(str(int(pk)) for pk in ids), ()
    parts = (
        [
            _subject_part(
                model,
                kind,
                n,
                ids_sql,
                user,
                columns=names[kind][0] if names else (),
                width=width,
                count_hidden=count_hidden,
                ids_params=ids_params,
            )
            for n, kind in enumerate(kinds)
        ]
        if ids
        else []
    )
    parts = [part for part in parts if part is not None]
    if not parts:
        return read
    rank = 5 + width
    sql = f"SELECT * FROM ({' UNION ALL '.join(sql for sql, _ in parts)}) found ORDER BY 1, {rank}"  # noqa: S608
    params = [param for _, params in parts for param in params]
    if ids_params:
        found = kept_rows(sql, params, [int(pk) for pk in ids])[1]
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
    for position, record_id, subject_id, shown, *rest in found:
        if not shown:
            read.hidden[record_id] += 1
            continue
        kind = kinds[position]
        if names:
            columns, name = names[kind]
            value = name(*rest[: len(columns)])
        else:
            value = subject_id
        read.shown[kind][record_id].append(value)
    return read


def intelligence_list(*, user: Any) -> QuerySet[IntelligenceRecord]:
    return (
        IntelligenceRecord.objects.visible_to(user)
        .select_related("owning_team", "created_by")
        .prefetch_related(
            "ocgs",
            "county_lines",
            "nominals",
            Prefetch("factor_claims", queryset=FactorClaim.objects.order_by("factor")),
        )
    )


def intelligence_records(*, user: Any) -> QuerySet[IntelligenceRecord]:
    """The records alone: the API's list reads what each names with `intelligence_links`, the
    list page with `intelligence_row_subjects`. Their scope reads nothing but the officer's
    access and the day, so it is built once per officer and day (reader_query)."""
    return reader_query("intel.records", user, lambda: IntelligenceRecord.objects.visible_to(user))


@dataclass(frozen=True)
class RecordLinks:
    """What a record names, as the API shows it: subjects' ids and (factor, level) claims."""

    ocgs: list[int]
    county_lines: list[int]
    nominals: list[int]
    gangs: list[int]
    factor_claims: list[tuple[str, int]]


def record_links(record: IntelligenceRecord, *, user: Any) -> RecordLinks:
    """What one record names that the user may see, and its claims: `intelligence_links` of
    the one record (a query per kind), so a record and its row of the list are the same."""
    return intelligence_links([record.pk], user=user)[record.pk]


def intelligence_links(ids: list[int], *, user: Any) -> dict[int, RecordLinks]:
    """What each of a page of records names that the user may see (subjects_visible, every kind
    in one statement: `linked_subjects`) and its claims, as plain values: prefetching every
    OCG, line, person and gang named built a model row of each, most of a list's time."""
    subjects = linked_subjects(IntelligenceRecord, ids, user=user).shown
    claims = grouped(
        FactorClaim.objects.filter(record_id__in=ids)
        .order_by("factor")
        .values_list("record_id", "factor", "level")
    )
    return {
        pk: RecordLinks(
            **{name: found[pk] for name, found in subjects.items()},
            factor_claims=claims.get(pk, []),
        )
        for pk in ids
    }


def intelligence_rows(*, user: Any) -> QuerySet[IntelligenceRecord]:
    """What a row of the list page and its CSV show: the subjects' references and names only
    (not every column of every OCG, line and person named), the claims, no gangs."""
    return (
        IntelligenceRecord.objects.visible_to(user)
        .select_related("owning_team", "created_by")
        .prefetch_related(
            # What the CSV names: the subjects the user may see.
            Prefetch(
                "ocgs", queryset=subjects_visible("ocgs", user).only("id", "reference", "name")
            ),
            Prefetch(
                "county_lines",
                queryset=subjects_visible("county_lines", user).only("id", "reference", "name"),
            ),
            Prefetch(
                "nominals", queryset=subjects_visible("nominals", user).only("id", "reference")
            ),
            Prefetch("factor_claims", queryset=FactorClaim.objects.order_by("factor")),
        )
    )


@dataclass(frozen=True)
class RowSubjects:
    """What a row of the list page names of a record: its OCGs and county lines (each by its
    reference, or its name while it has none), how many people, and its claims (factor, level)."""

    ocgs: list[str]
    county_lines: list[str]
    nominals: int
    claims: list[tuple[str, int]]


def _reference_or_name(reference: str | None, name: str) -> str:
    return reference or name


# A row names its OCGs and lines each by its reference, or its name while it has none.
_BY_REFERENCE: dict[str, Namer] = {
    "ocgs": (("reference", "name"), _reference_or_name),
    "county_lines": (("reference", "name"), _reference_or_name),
}


def intelligence_row_subjects(ids: list[int], *, user: Any) -> dict[int, RowSubjects]:
    """For a page of `intelligence_rows`, what its rows name (the OCGs and lines the user may
    see, in one statement: `linked_subjects`), read as values: its prefetches built a model row
    of every OCG, line, person and claim named and a related manager per record to reach them,
    half of the list page's Python calls."""
    named = linked_subjects(
        IntelligenceRecord, ids, user=user, kinds=_BY_REFERENCE, names=_BY_REFERENCE
    ).shown
    nominals: dict[int, int] = {}
    through = IntelligenceRecord.nominals.through
    for record_id in through.objects.filter(intelligencerecord_id__in=ids).values_list(
        "intelligencerecord_id", flat=True
    ):
        nominals[record_id] = nominals.get(record_id, 0) + 1
    claims: dict[int, list[tuple[str, int]]] = {}
    for record_id, factor, level in (
        FactorClaim.objects.filter(record_id__in=ids)
        .order_by("factor")
        .values_list("record_id", "factor", "level")
    ):
        claims.setdefault(record_id, []).append((factor, level))
    return {
        pk: RowSubjects(
            ocgs=named["ocgs"][pk],
            county_lines=named["county_lines"][pk],
            nominals=nominals.get(pk, 0),
            claims=claims.get(pk, []),
        )
        for pk in ids
    }


VIEW_RECORD_PERM = "intel.view_intelligencerecord"


def can_open_records(user: Any) -> bool:
    """Whether the user may open record pages at all (CLIOs see lines, not intelligence)."""
    return user is not None and user.has_perm(VIEW_RECORD_PERM)


def openable_record_ids(*, user: Any, ids: set[int]) -> set[int]:
    """Which of these records the user may open: pages link those and show the others'
    references as plain text, rather than links that answer 403 or 404."""
    if not ids or not can_open_records(user):
        return set()
    # Compiled once per officer and day, the ids bound (reader_ids): compiling the records'
    # scope was most of what this cost a page.
    return reader_ids(
        "intel.openable",
        user,
        lambda wanted: (
            IntelligenceRecord.objects.visible_to(user).filter(pk__in=wanted).values_list("pk")
        ),
        ids,
    )


# What a record's evidence is for, by the field of SUBJECT_MODELS naming the same model.
_EVIDENCE_SUBJECTS = {"ocgs": "ocg", "county_lines": "county_line"}


@dataclass(frozen=True)
class RecordSubjects:
    """What a record's page names: of each kind (a field of SUBJECT_MODELS) the subjects the
    user may see, in the kind's order; how many others it names that they may not (a number,
    never which); the subject types of all it names (the claims read in their factor tables);
    and the definition evidence citing it, on OCGs and lines the user may see, with each one's
    subject, oldest first."""

    shown: dict[str, list[Any]]
    hidden: int
    types: list[str]
    evidence: list[tuple[DefinitionEvidence, Any]]


def _named_and_cited(pk: int) -> tuple[dict[str, list[int]], dict[str, set[int]]]:
    # The ids of every subject the record names, and of the OCGs and lines its definition
    # evidence is for, in one query (UNION ALL of the through tables), nothing yet scoped.
    kinds = list(SUBJECT_MODELS)
    parts = []
    for index, name in enumerate(kinds):
        field = IntelligenceRecord._meta.get_field(name)
        parts.append(
            field.remote_field.through.objects.filter(
                **{f"{field.m2m_field_name()}_id": pk}
            ).values_list(Value(index), f"{field.m2m_reverse_field_name()}_id")
        )
    cited = DefinitionEvidence.records.through.objects.filter(intelligencerecord_id=pk)
    for index, name in enumerate(_EVIDENCE_SUBJECTS, start=len(kinds)):
        column = f"definitionevidence__{_EVIDENCE_SUBJECTS[name]}_id"
        parts.append(cited.filter(**{f"{column}__isnull": False}).values_list(Value(index), column))
    named: dict[str, list[int]] = {name: [] for name in kinds}
    evidence_of: dict[str, set[int]] = {name: set() for name in _EVIDENCE_SUBJECTS}
    for index, subject_id in parts[0].union(*parts[1:], all=True):
        if index < len(kinds):
            named[kinds[index]].append(subject_id)
        else:
            evidence_of[list(_EVIDENCE_SUBJECTS)[index - len(kinds)]].add(subject_id)
    return named, evidence_of


def _subjects_kept(name: str, user: Any) -> QuerySet:
    """subjects_visible(name, user), whose scope reads nothing but the officer's access and the
    day, built once per officer and day (reader_query)."""
    return reader_query(
        f"intel.subjects_visible.{name}", user, lambda: subjects_visible(name, user)
    )


def record_subjects_shown(*, user: Any, record: IntelligenceRecord) -> RecordSubjects:
    """What a record's page names (RecordSubjects): the ids it names and cites read first, then
    one scoped query per kind among those ids (none for a kind it names nothing of), the
    evidence filtered by the ids found visible. A kind's scope is built and compiled once for
    the page, not again for the evidence, and no related manager or prefetch is built."""
    named, evidence_of = _named_and_cited(record.pk)
    visible: dict[str, dict[int, Any]] = {}
    for name in SUBJECT_MODELS:
        wanted = set(named[name]) | evidence_of.get(name, set())
        visible[name] = (
            {obj.pk: obj for obj in _subjects_kept(name, user).filter(pk__in=wanted)}
            if wanted
            else {}
        )
    shown: dict[str, list[Any]] = {}
    hidden = 0
    for name in SUBJECT_MODELS:
        ids = set(named[name])
        shown[name] = [obj for pk, obj in visible[name].items() if pk in ids]
        hidden += len(ids) - len(shown[name])
    # As subject_types_of lists them, from everything named, seen or not.
    types = [
        kind for kind, name in (("county_line", "county_lines"), ("ocg", "ocgs")) if named[name]
    ]
    ocgs, lines = visible["ocgs"], visible["county_lines"]
    evidence = []
    if ocgs or lines:
        for item in (
            DefinitionEvidence.objects.filter(records=record.pk)
            .filter(Q(ocg_id__in=list(ocgs)) | Q(county_line_id__in=list(lines)))
            .order_by("created_at")
        ):
            subject = ocgs[item.ocg_id] if item.ocg_id is not None else lines[item.county_line_id]
            evidence.append((item, subject))
    return RecordSubjects(shown=shown, hidden=hidden, types=types, evidence=evidence)


def record_claims(record: IntelligenceRecord) -> list[tuple[str, int]]:
    """The record's (factor, level) claims, by factor."""
    return list(
        FactorClaim.objects.filter(record_id=record.pk)
        .order_by("factor")
        .values_list("factor", "level")
    )


def intelligence_record(*, user: Any, pk: Any) -> IntelligenceRecord:
    """The record with its team and author, as its page shows it (what it names is read by
    `record_subjects_shown`); Http404 when it does not exist or the user may not see it."""
    records = reader_query(
        "intel.record_page",
        user,
        lambda: IntelligenceRecord.objects.visible_to(user).select_related(
            "owning_team", "created_by"
        ),
    )
    try:
        return records.get(pk=pk)
    except (IntelligenceRecord.DoesNotExist, ValueError, TypeError):
        # As get_visible_or_404: a record the user may not see is not found.
        raise Http404(
            f"No {IntelligenceRecord._meta.verbose_name} matches the given query."
        ) from None


def intelligence_get(*, user: Any, pk: Any) -> IntelligenceRecord:
    """The record, or Http404 when it does not exist or the user may not see it."""
    return intelligence_list(user=user).get_visible_or_404(user, pk=pk)


def intelligence_for_subject(
    *,
    user: Any,
    ocg: OCG | None = None,
    county_line: CountyLine | None = None,
    nominal: Nominal | None = None,
    gang: Any = None,
    subject_types: bool = True,
) -> QuerySet[IntelligenceRecord]:
    """A subject's records as its page shows them: each record's own fields and claims, and
    whether it names OCGs or lines (the tables its claims read in), not their rows. A page that
    reads every claim in its own subject's table (an OCG's, a line's) asks `subject_types=False`
    and is spared the two queries that tell it."""
    qs = IntelligenceRecord.objects.visible_to(user).prefetch_related(
        Prefetch("factor_claims", queryset=FactorClaim.objects.order_by("factor"))
    )
    if subject_types:
        qs = qs.prefetch_related(
            Prefetch("ocgs", queryset=OCG.objects.only("id")),
            Prefetch("county_lines", queryset=CountyLine.objects.only("id")),
        )
    if gang is not None:
        qs = qs.filter(gangs=gang)
    if ocg is not None:
        qs = qs.filter(ocgs=ocg)
    if county_line is not None:
        qs = qs.filter(county_lines=county_line)
    if nominal is not None:
        qs = qs.filter(nominals=nominal)
    return qs


@dataclass(frozen=True)
class SubjectRecord:
    """A row of a subject's records: the record, its (factor, level) claims by factor, and the
    subject types it names as `subject_types_of` lists them (when asked)."""

    record: IntelligenceRecord
    claims: list[tuple[str, int]]
    types: list[str] | None


def _claims_of(ids: Any) -> QuerySet[FactorClaim]:
    return (
        FactorClaim.objects.filter(record_id__in=ids)
        .order_by("factor")
        .values_list("record_id", "factor", "level")
    )


def subject_records(
    *, user: Any, subject_field: str, subject: Any, subject_types: bool = True
) -> list[SubjectRecord]:
    """A subject's records the user may see (`subject_field`: "ocgs", "county_lines",
    "nominals" or "gangs"), newest first, deleted ones last, as its page lists them. The claims
    and whether each names OCGs or lines are read as values (a query each, the types only when
    asked), not prefetched as model rows of every claim, OCG and line named. The records'
    statement is compiled once per officer and day, the subject's id bound (reader_instances):
    compiling the records' scope was most of the section's cost."""
    records = reader_instances(
        f"intel.subject_records.{subject_field}",
        user,
        IntelligenceRecord,
        lambda mark: (
            IntelligenceRecord.objects.visible_to(user)
            .filter(**{subject_field: mark})
            .order_by("deleted_at", "-information_date", "-id")
        ),
        subject.pk,
    )
    ids = [record.pk for record in records]
    if not ids:
        return []
    # Compiled once per process, the ids bound (subject_id_rows): no scope applies to the
    # claims of records read through the reader's.
    claims = grouped(subject_id_rows("intel.subject_claims", _claims_of, ids))
    named: dict[int, set[str]] | None = None
    if subject_types:
        named = {pk: set() for pk in ids}
        parts = [
            IntelligenceRecord._meta.get_field(name)
            .remote_field.through.objects.filter(intelligencerecord_id__in=ids)
            .values_list("intelligencerecord_id", Value(kind))
            for kind, name in (("county_line", "county_lines"), ("ocg", "ocgs"))
        ]
        for record_id, kind in parts[0].union(parts[1]):
            named[record_id].add(kind)
    return [
        SubjectRecord(
            record=record,
            claims=claims.get(record.pk, []),
            # In subject_types_of's order: county lines, then OCGs.
            types=None
            if named is None
            else [kind for kind in ("county_line", "ocg") if kind in named[record.pk]],
        )
        for record in records
    ]


def can_read_conditions(user: Any, record: IntelligenceRecord) -> bool:
    """Code-C conditions are readable only by the owning team or a supervisor (DOMAIN.md)."""
    if record.handling_code != HandlingCode.CONDITIONS:
        return True
    access = access_for(user)
    if access is None:
        return False
    if access.role == Role.SUPERVISOR:
        return True
    return access.team_id is not None and access.team_id == record.owning_team_id


def conditions_for(user: Any, record: IntelligenceRecord) -> str:
    """The conditions text as this user may see it."""
    if can_read_conditions(user, record):
        return record.handling_conditions
    return RESTRICTED_CONDITIONS


def criteria_for(*, ocg: OCG | None = None, county_line: CountyLine | None = None) -> type:
    """The definition (criteria choices) of the subject's type."""
    _one_subject(ocg, county_line)
    return OcgCriterion if ocg is not None else CountyLineCriterion


def _one_subject(ocg: Any, county_line: Any) -> None:
    if (ocg is None) == (county_line is None):
        raise TypeError("Give exactly one of ocg= or county_line=.")


def _current_member_count(ocg: OCG) -> int:
    # Counted in SQL by a list that reads its members as values (ocg.definition.CURRENT_MEMBERS),
    # else from the members a list or page prefetched, if it did (no query per row).
    counted = getattr(ocg, ocg_definition.CURRENT_MEMBERS, None)
    if counted is not None:
        return counted
    return sum(1 for m in ocg.memberships.all() if m.to_date is None)


# Where a list's prefetch puts each subject's evidence (criterion only), for `definition_gaps`.
EVIDENCE_ROWS = "evidence_rows"
# Where a list's annotation puts the criteria a subject's evidence names (no query of its own).
EVIDENCED = "evidenced_criteria"


def _with_evidenced(queryset: QuerySet, subject_field: str) -> QuerySet:
    criteria = DefinitionEvidence.objects.filter(**{subject_field: OuterRef("pk")}).order_by()
    if connection.vendor == "postgresql":
        return queryset.annotate(**{EVIDENCED: ArraySubquery(criteria.values("criterion"))})
    # The demo's SQLite has no arrays: the codes (identifiers, never a comma) as one text.
    joined = (
        criteria.values(subject_field)
        .annotate(
            codes=Func(
                F("criterion"), Value(","), function="GROUP_CONCAT", output_field=CharField()
            )
        )
        .values("codes")
    )
    return queryset.annotate(**{EVIDENCED: Coalesce(Subquery(joined), Value(""))})


def _evidence_prefetch(subject_field: str) -> Prefetch:
    return Prefetch(
        "evidence",
        queryset=DefinitionEvidence.objects.only("id", f"{subject_field}_id", "criterion"),
        to_attr=EVIDENCE_ROWS,
    )


def _evidenced(subject: dict[str, Any]) -> set[str]:
    (obj,) = subject.values()
    criteria = getattr(obj, EVIDENCED, None)
    if isinstance(criteria, str):  # SQLite's joined codes (_with_evidenced)
        return {code for code in criteria.split(",") if code}
    if criteria is not None:
        return set(criteria)
    rows = getattr(obj, EVIDENCE_ROWS, None)
    if rows is not None:
        return {row.criterion for row in rows}
    return set(DefinitionEvidence.objects.filter(**subject).values_list("criterion", flat=True))


def definition_gaps(*, ocg: OCG | None = None, county_line: CountyLine | None = None) -> list[str]:
    """Criteria codes of the subject's definition not yet met, in the definition's order: the one
    place the gaps are worked out (the pages, the API and the move onto the matrix all ask it).

    A criterion proven by members (an OCG's `two_or_more_individuals`) is met by at least two
    current members (no end date), whatever text was entered; every other one by its evidence.
    """
    criteria = criteria_for(ocg=ocg, county_line=county_line)
    subject = {"ocg": ocg} if ocg is not None else {"county_line": county_line}
    evidenced = _evidenced(subject)
    members = _current_member_count(ocg) if ocg is not None else 0
    return [
        code
        for code in criteria.values
        if (members < MIN_CURRENT_MEMBERS if code in PROVEN_BY_MEMBERS else code not in evidenced)
    ]


def definition_gap_labels(
    *, ocg: OCG | None = None, county_line: CountyLine | None = None
) -> list[str]:
    """The gaps in words, for refusals such as "definition evidence missing for …"."""
    return [gap.label for gap in _gaps(ocg=ocg, county_line=county_line)]


def _gaps(*, ocg: OCG | None = None, county_line: CountyLine | None = None) -> list[Gap]:
    criteria = criteria_for(ocg=ocg, county_line=county_line)
    return [
        Gap(code, criteria(code).label)
        for code in definition_gaps(ocg=ocg, county_line=county_line)
    ]


def provide_definition_hooks() -> None:
    """Let the subjects ask what their definition lacks (ocg.definition, countylines.definition)."""
    ocg_definition.gaps.provide(lambda ocg: _gaps(ocg=ocg))
    ocg_definition.prefetch.provide(lambda: [_evidence_prefetch("ocg")])
    ocg_definition.annotate.provide(lambda queryset: _with_evidenced(queryset, "ocg"))
    line_definition.gaps.provide(lambda line: _gaps(county_line=line))
    line_definition.prefetch.provide(lambda: [_evidence_prefetch("county_line")])
    line_definition.annotate.provide(lambda queryset: _with_evidenced(queryset, "county_line"))


# What the checklist names of an evidence item's author (get_full_name, else get_username),
# read with the item; the rest of the user is deferred.
_AUTHOR = ("username", "first_name", "last_name")


@dataclass(frozen=True)
class EvidenceRecord:
    """A record an evidence item cites, as the checklist names it."""

    pk: int
    reference: str


def _subject_evidence(field: str, pk: Any) -> QuerySet[DefinitionEvidence]:
    return DefinitionEvidence.objects.filter(**{f"{field}_id": pk}).annotate(
        **{f"author_{column}": F(f"created_by__{column}") for column in _AUTHOR}
    )


def _subject_evidence_records(field: str, pk: Any) -> QuerySet:
    return (
        DefinitionEvidence.records.through.objects.filter(**{f"definitionevidence__{field}_id": pk})
        .order_by("intelligencerecord__reference")
        .values_list(
            "definitionevidence_id", "intelligencerecord_id", "intelligencerecord__reference"
        )
    )


def evidence_for_subject(
    *, ocg: OCG | None = None, county_line: CountyLine | None = None
) -> list[DefinitionEvidence]:
    """The subject's evidence items, each with its author (the names only) and, as
    `record_rows`, the records it cites (EvidenceRecord, by reference). A subject's evidence is
    read by no scope, so the two statements are compiled once per process (subject_instances,
    subject_rows): the author's join and the records' prefetch compiled on every request were
    most of what a subject's page spent on its checklist."""
    _one_subject(ocg, county_line)
    field, subject = ("ocg", ocg) if ocg is not None else ("county_line", county_line)
    items = subject_instances(
        f"intel.evidence.{field}",
        DefinitionEvidence,
        lambda mark: _subject_evidence(field, mark),
        subject.pk,
    )
    if not items:
        return items
    cited = grouped(
        subject_rows(
            f"intel.evidence_records.{field}",
            lambda mark: _subject_evidence_records(field, mark),
            subject.pk,
        )
    )
    user_model = get_user_model()
    columns = ["id", *(f.attname for f in user_model._meta.concrete_fields if f.attname in _AUTHOR)]
    created_by = DefinitionEvidence._meta.get_field("created_by")
    for item in items:
        author = None
        if item.created_by_id is not None:
            values = {
                "id": item.created_by_id,
                **{c: getattr(item, f"author_{c}") for c in _AUTHOR},
            }
            author = user_model.from_db(None, columns, [values[c] for c in columns])
        created_by.set_cached_value(item, author)
        item.record_rows = [EvidenceRecord(pk, ref) for pk, ref in cited.get(item.pk, [])]
    return items


@dataclass
class ChecklistRow:
    code: str
    label: str
    evidence: list[DefinitionEvidence] = field(default_factory=list)
    met: bool = False
    # Proven by the subject's linked members (no form); otherwise by evidence with a record.
    by_members: bool = False
    note: str = ""


def _members_phrase(count: int) -> str:
    return f"{count} member{'' if count == 1 else 's'} linked"


def evidence_checklist(
    *, ocg: OCG | None = None, county_line: CountyLine | None = None
) -> list[ChecklistRow]:
    """One row per criterion of the definition, in order: its evidence and whether it is met
    (by the same rule as `definition_gaps`)."""
    criteria = criteria_for(ocg=ocg, county_line=county_line)
    rows = {code: ChecklistRow(code=code, label=label) for code, label in criteria.choices}
    for item in evidence_for_subject(ocg=ocg, county_line=county_line):
        if item.criterion in rows:
            rows[item.criterion].evidence.append(item)
    gaps = set(definition_gaps(ocg=ocg, county_line=county_line))
    for row in rows.values():
        row.met = row.code not in gaps
    if ocg is not None:
        members = _current_member_count(ocg)
        for code in PROVEN_BY_MEMBERS:
            row = rows[code]
            row.by_members = True
            row.note = (
                f"Met: {_members_phrase(members)}."
                if row.met
                else f"Missing: {_members_phrase(members)}; link at least {MIN_CURRENT_MEMBERS} "
                "current members to meet it (text alone does not)."
            )
    return list(rows.values())
