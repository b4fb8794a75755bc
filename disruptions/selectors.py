"""Reads, always scoped to what the user may see."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    JSONField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, JSONObject
from django.http import Http404

from countylines.search import MIN_LENGTH
from countylines.search import subject_search as find_subjects
from disruptions.choices import DisruptionStatus
from disruptions.models import CourtResult, Disruption, Operation
from kentsoc import dates
from kentsoc.gangs.search import gang_search
from kentsoc.intel.selectors import (
    SUBJECT_MODELS,
    Namer,
    SubjectsRead,
    linked_subjects,
    subjects_visible,
)
from kentsoc.org.choices import TeamKind
from kentsoc.org.models import Division
from kentsoc.web.reader_queries import reader_query
from kentsoc.web.reader_rows import reader_instances
from ocg.models import OCG
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
    page's Python calls. Built once per officer and day (reader_query: it names no row)."""
    return reader_query(
        "disruptions.page_rows",
        user,
        lambda: (
            Disruption.objects.visible_to(user)
            .select_related("team")
            .only("date", "status", "tactic", "impact_grade", "arrests", "charges", "team__name")
        ),
    )


def subject_name(reference: str | None, name: str) -> str:
    """str() of an OCG, a county line or a gang, from its columns."""
    return f"{reference} {name}" if reference else name


def person_name(reference: str | None, first_name: str, last_name: str) -> str:
    """str() of a Nominal, from its columns."""
    full_name = f"{first_name} {last_name}".strip()
    return f"{full_name} ({reference})" if reference else full_name


# The columns a subject's name is written from, and how (its model's str()).
_NAMES: dict[str, Namer] = {
    "ocgs": (("reference", "name"), subject_name),
    "county_lines": (("reference", "name"), subject_name),
    "nominals": (("reference", "first_name", "last_name"), person_name),
    "gangs": (("reference", "name"), subject_name),
}


def _with_id(name: Callable[..., str]) -> Callable[..., tuple[int, str]]:
    """A namer that also gives the subject's id (read as text, its first column), for a link."""
    return lambda pk, *columns: (int(pk), name(*columns))


# What an approval card names of each subject: (its id, its str()).
_CARD_NAMES: dict[str, Namer] = {
    kind: (("id", *_NAMES[kind][0]), _with_id(_NAMES[kind][1]))
    for kind in ("ocgs", "county_lines", "nominals")
}


def disruption_subjects(
    ids: list[int],
    *,
    user: User,
    kinds: Iterable[str] = tuple(SUBJECT_MODELS),
    names: bool = False,
    count_hidden: bool = False,
) -> SubjectsRead:
    """The OCGs, county lines, people and gangs (`kinds`) each of the disruptions `ids` names
    that the user may see, by id or (`names`) as their str(); with `count_hidden`, how many
    others each names (`linked_subjects`: one statement for every kind)."""
    return linked_subjects(
        Disruption,
        ids,
        user=user,
        kinds=kinds,
        names=_NAMES if names else None,
        count_hidden=count_hidden,
    )


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
    and seized the list serializer reads for the whole page as values. Built once per officer
    and day (reader_query: it names no row)."""
    return reader_query(
        "disruptions.api_rows",
        user,
        lambda: Disruption.objects.visible_to(user).annotate(
            team_name=F("team__name"),
            officer_first_name=F("officer__first_name"),
            officer_last_name=F("officer__last_name"),
            officer_username=F("officer__username"),
        ),
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


# The officers a disruption's page names (who took part, logged, submitted, approved and
# returned it), and the columns it names them with.
_PAGE_OFFICERS = ("officer", "created_by", "submitted_by", "approved_by", "returned_by")
_OFFICER_COLUMNS = ("username", "first_name", "last_name")


def _officer_named(field: str) -> Subquery:
    """The officer the disruption's `field` names, as one JSON value of `_OFFICER_COLUMNS`."""
    return Subquery(
        get_user_model()
        .objects.filter(pk=OuterRef(f"{field}_id"))
        .values(named=JSONObject(**{column: column for column in _OFFICER_COLUMNS})),
        output_field=JSONField(),
    )


def _page_query(user: User, pk: Any) -> QuerySet[Disruption]:
    """What `disruption_page_get` reads of disruption `pk`: its own columns, its team's and
    operation's names (`team_name`, `operation_name`), each officer it names as a JSON value
    (`<field>_named`) and whether it has court results. Its officers are read by a subquery
    each, not joined: with auth_user joined five times over, PostgreSQL spent 8 ms choosing the
    order of the joins for a row it then read in 0.2 ms."""
    return (
        Disruption.objects.visible_to(user)
        .filter(pk=pk)
        .order_by()
        .annotate(
            team_name=F("team__name"),
            operation_name=F("operation__name"),
            **{f"{field}_named": _officer_named(field) for field in _PAGE_OFFICERS},
            # Most have no court result yet: whether to read them through their scope at all.
            has_court_results=Exists(CourtResult.objects.filter(disruption_id=OuterRef("pk"))),
        )
    )


def disruption_page_get(*, user: User, pk: int) -> Disruption:
    """The disruption's page: what it is against as the user may see it (`shown_ocgs`,
    `shown_county_lines`, `shown_nominals`, `shown_gangs`: names, each kind through its own
    scope), how many others it names they may not (`hidden_subjects`, a number: never who or
    what), and the court results they may see (about people they may see: CourtResult's
    scope). Its statement is compiled once per officer and day, the id bound on each request
    (reader_instances: compiling it was a third of the page)."""
    found = reader_instances(
        "disruptions.page_get", user, Disruption, lambda mark: _page_query(user, mark), pk
    )
    if not found:
        # As get_visible_or_404: one the user may not see is not found.
        raise Http404(f"No {Disruption._meta.verbose_name} matches the given query.")
    disruption = found[0]
    prefetch_related_objects([disruption], "weapons", "drugs")
    _cache_page_officers(disruption)
    disruption.shown_court_results = (
        list(
            _court_results_visible(user)
            .select_related("nominal")
            .filter(disruption_id=disruption.pk)
        )
        if disruption.has_court_results
        else []
    )
    subjects = disruption_subjects([disruption.pk], user=user, names=True, count_hidden=True)
    for kind, shown in subjects.shown.items():
        setattr(disruption, f"shown_{kind}", shown[disruption.pk])
    disruption.hidden_subjects = subjects.hidden[disruption.pk]
    return disruption


def _cache_page_officers(disruption: Disruption) -> None:
    """Each of the page's officers as the disruption's related user (`disruption.officer`, ...),
    built from the columns read (the others deferred), as select_related would have cached it."""
    model = get_user_model()
    # from_db takes the values in the model's order of fields.
    columns = [
        f.attname
        for f in model._meta.concrete_fields
        if f.attname == "id" or f.attname in _OFFICER_COLUMNS
    ]
    for field in _PAGE_OFFICERS:
        # Read by raw SQL: the JSON as its text, undecoded.
        named = json.loads(getattr(disruption, f"{field}_named") or "null")
        officer = None
        if named is not None:
            named["id"] = getattr(disruption, f"{field}_id")
            officer = model.from_db(disruption._state.db, columns, [named[c] for c in columns])
        Disruption._meta.get_field(field).set_cached_value(disruption, officer)


def disruption_my_drafts(*, user: User) -> QuerySet[Disruption]:
    """The author's own unfinished work: drafts, returned ones (with the reason) and those still
    waiting for a supervisor. Their own fields only: the page and the home page's panel name no
    team, officer or subject (the subjects' three scoped prefetches were a third of the page's
    Python calls). The scope reads nothing but the officer's access and the day, so it is built
    once per officer and day (reader_query)."""
    return (
        reader_query("disruptions.visible", user, lambda: Disruption.objects.visible_to(user))
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


def disruption_approval_queue(*, user: User, limit: int) -> list[Disruption]:
    """The first `limit` of `disruptions_awaiting`, each card with its team, officer and
    seizures (prefetched) and what it is against that the user may see, each kind through its
    own scope: `shown_ocgs`, `shown_county_lines`, `shown_nominals`, lists of (id, name) read in
    one statement (`linked_subjects`; the three scoped prefetches built a model row of each
    subject, a third of the page's Python calls). A fixed number of queries whatever the number
    of cards."""
    rows = list(
        disruptions_awaiting(user=user)
        .select_related("team", "officer")
        .prefetch_related("weapons", "drugs")[:limit]
    )
    shown = linked_subjects(
        Disruption,
        [row.pk for row in rows],
        user=user,
        kinds=_CARD_NAMES,
        names=_CARD_NAMES,
    ).shown
    for row in rows:
        for kind, found in shown.items():
            setattr(row, f"shown_{kind}", found[row.pk])
    return rows


def subject_disruptions(*, user: User, field: str, pk: int, limit: int) -> list[Disruption]:
    """The first `limit` disruptions recorded against one OCG, line, nominal or gang (`field`:
    "ocgs", "county_lines", "nominals" or "gangs"; `pk` its id) that the user may see, newest
    first (for the subject's own page). Its rows show the disruption's own fields only, so
    nothing related is fetched with them. The statement is compiled once per officer and day
    (reader_instances: the scope reads nothing but the officer's access and the day), the
    subject's id bound per request: compiling the scope was most of the section's cost."""
    return reader_instances(
        f"disruptions.subject.{field}.{limit}",
        user,
        Disruption,
        lambda mark: (
            Disruption.objects.visible_to(user)
            .filter(**{field: mark})
            .order_by("-date", "-id")[:limit]
        ),
        pk,
    )


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
    the sums are not multiplied by the join to lines). The query names no operation: it is built
    once per officer and day (reader_query), its scope and five subqueries with it."""
    return reader_query("disruptions.operations", user, lambda: _operation_query(user))


def _operation_query(user: User) -> QuerySet[Operation]:
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
    try:
        return operation_list(user=user).get(pk=pk)
    except (Operation.DoesNotExist, ValueError, TypeError):
        # As get_visible_or_404: one the user may not see is not found.
        raise Http404(f"No {Operation._meta.verbose_name} matches the given query.") from None


def operation_disruptions(*, user: User, operation: Operation) -> QuerySet[Disruption]:
    """The disruptions tagged to an operation that the user may see, as its page's rows show
    them: each with its team's name and its own figures, newest first and, of one day, the last
    logged first (the date alone left the order of a day's rows to the query plan)."""
    return (
        reader_query("disruptions.visible", user, lambda: Disruption.objects.visible_to(user))
        .filter(operation=operation)
        .select_related("team")
        .only("date", "status", "tactic", "arrests", "charges", "handsets", "team__name")
        .order_by("-date", "-id")
    )


def _court_results_visible(user: User) -> QuerySet[CourtResult]:
    """The court results the user may see: their scope reads nothing but the officer's access
    and the day, so it is built once per officer and day (reader_query)."""
    return reader_query(
        "disruptions.court_results", user, lambda: CourtResult.objects.visible_to(user)
    )


def court_result_list(*, user: User) -> QuerySet[CourtResult]:
    return _court_results_visible(user).select_related(
        "nominal", "disruption", "disruption__team", "created_by"
    )


def court_result_api_rows(*, user: User) -> QuerySet[CourtResult]:
    """A page of the API list: its fields are the result's own columns and ids, so none of the
    person, disruption, team and author rows `court_result_list` joins for the pages are read."""
    return _court_results_visible(user)


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
