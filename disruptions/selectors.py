"""Reads, always scoped to what the user may see."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
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


def disruption_list(*, user: User) -> QuerySet[Disruption]:
    return (
        Disruption.objects.visible_to(user)
        .select_related("team", "officer", "operation", "created_by")
        .prefetch_related(
            *(_visible_prefetch(f, user) for f in ("ocgs", "county_lines", "nominals"))
        )
    )


def disruption_rows(*, user: User) -> QuerySet[Disruption]:
    """What a row of the list page and its CSV show: the subjects the user may see read into
    lists (`ocg_rows`, `line_rows`, `nominal_rows`), so naming them costs a row no query set of
    its own."""
    return (
        Disruption.objects.visible_to(user)
        .select_related("team", "officer", "operation")
        .prefetch_related(
            _visible_prefetch("ocgs", user, to_attr="ocg_rows"),
            _visible_prefetch("county_lines", user, to_attr="line_rows"),
            _visible_prefetch("nominals", user, to_attr="nominal_rows"),
        )
    )


def _names_through(
    field_name: str,
    ids: list[int],
    columns: tuple[str, ...],
    name: Callable[..., str],
    user: User,
) -> dict[int, list[str]]:
    # In the subject's own ordering, as a prefetch of `field_name` lists them; only those the
    # user may see (subjects_visible).
    field = Disruption._meta.get_field(field_name)
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    rows = (
        field.remote_field.through.objects.filter(
            **{
                f"{source}_id__in": ids,
                f"{target}_id__in": subjects_visible(field_name, user).values("pk"),
            }
        )
        .order_by(*[f"{target}__{order}" for order in field.related_model._meta.ordering])
        .values_list(f"{source}_id", *[f"{target}__{column}" for column in columns])
    )
    found: dict[int, list[str]] = {}
    for disruption_id, *values in rows:
        found.setdefault(disruption_id, []).append(name(*values))
    return found


def _named(reference: str | None, name: str) -> str:
    return f"{reference} {name}" if reference else name  # str() of an OCG or a county line


def _person(reference: str | None, first_name: str, last_name: str) -> str:
    full_name = f"{first_name} {last_name}".strip()  # str() of a Nominal
    return f"{full_name} ({reference})" if reference else full_name


def disruption_row_subjects(
    ids: list[int], *, user: User
) -> dict[int, tuple[list[str], list[str], list[str]]]:
    """For a page of `disruption_rows`, the names of the OCGs, county lines and people each
    disruption is against that the user may see, read as values (a query per kind, as its
    prefetches): those built a model row of every subject named, a third of the list page's
    Python calls."""
    ocgs = _names_through("ocgs", ids, ("reference", "name"), _named, user)
    lines = _names_through("county_lines", ids, ("reference", "name"), _named, user)
    people = _names_through(
        "nominals", ids, ("reference", "first_name", "last_name"), _person, user
    )
    return {pk: (ocgs.get(pk, []), lines.get(pk, []), people.get(pk, [])) for pk in ids}


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
    """A page of the API list: each disruption with its team and officer (named on its row);
    what it names and seized the list serializer reads for the whole page as values."""
    return Disruption.objects.visible_to(user).select_related("team", "officer")


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


def _named_count(field_name: str) -> Coalesce:
    """How many subjects of one kind the disruption (OuterRef) names, whoever may see them."""
    field = Disruption._meta.get_field(field_name)
    source = field.m2m_field_name()
    return Coalesce(
        Subquery(
            field.remote_field.through.objects.filter(**{f"{source}_id": OuterRef("pk")})
            .order_by()
            .values(f"{source}_id")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def disruption_page_get(*, user: User, pk: int) -> Disruption:
    """The disruption's page: what it is against as the user may see it (`shown_ocgs`,
    `shown_county_lines`, `shown_nominals`, `shown_gangs`, each through its own scope), how many
    others it names they may not (`hidden_subjects`, a number: never who or what), and the
    court results they may see (about people they may see: CourtResult's scope)."""
    disruption = (
        Disruption.objects.select_related(*_RECORD_RELATED)
        .annotate(**{f"named_{name}": _named_count(name) for name in SUBJECT_MODELS})
        .prefetch_related(
            *(_visible_prefetch(name, user, to_attr=f"shown_{name}") for name in SUBJECT_MODELS),
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
    disruption.hidden_subjects = sum(
        getattr(disruption, f"named_{name}") - len(getattr(disruption, f"shown_{name}"))
        for name in SUBJECT_MODELS
    )
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


def disruption_approval_queue(*, user: User) -> QuerySet[Disruption]:
    """Submitted disruptions this user may decide: never their own. Each card names what the
    disruption is against and counts its seizures: subjects (from disruption_list), weapons and
    drugs are prefetched, a fixed number of queries whatever the number of cards."""
    if not user.has_perm("disruptions.approve_disruption"):
        return Disruption.objects.none()
    return (
        disruption_list(user=user)
        .filter(status=DisruptionStatus.SUBMITTED)
        .exclude(Q(created_by_id=user.pk) | Q(officer_id=user.pk))
        .select_related("submitted_by")
        .prefetch_related("weapons", "drugs")
        .order_by("submitted_at", "id")
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


def court_result_list(*, user: User) -> QuerySet[CourtResult]:
    return CourtResult.objects.visible_to(user).select_related(
        "nominal", "disruption", "disruption__team", "created_by"
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
