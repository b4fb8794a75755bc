"""Reads, always scoped to what the user may see."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping

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


def disruption_list(*, user: User) -> QuerySet[Disruption]:
    return (
        Disruption.objects.visible_to(user)
        .select_related("team", "officer", "operation", "created_by")
        .prefetch_related("ocgs", "county_lines", "nominals")
    )


def disruption_rows(*, user: User) -> QuerySet[Disruption]:
    """What a row of the list page and its CSV show: the subjects read into lists (`ocg_rows`,
    `line_rows`, `nominal_rows`), so naming them costs a row no query set of its own."""
    return (
        Disruption.objects.visible_to(user)
        .select_related("team", "officer", "operation")
        .prefetch_related(
            Prefetch("ocgs", to_attr="ocg_rows"),
            Prefetch("county_lines", to_attr="line_rows"),
            Prefetch("nominals", to_attr="nominal_rows"),
        )
    )


def _names_through(
    field_name: str, ids: list[int], columns: tuple[str, ...], name: Callable[..., str]
) -> dict[int, list[str]]:
    # In the subject's own ordering, as a prefetch of `field_name` lists them.
    field = Disruption._meta.get_field(field_name)
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    rows = (
        field.remote_field.through.objects.filter(**{f"{source}_id__in": ids})
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


def disruption_row_subjects(ids: list[int]) -> dict[int, tuple[list[str], list[str], list[str]]]:
    """For a page of `disruption_rows`, the names of the OCGs, county lines and people each
    disruption is against, read as values (a query per kind, as its prefetches): those built a
    model row of every subject named, a third of the list page's Python calls."""
    ocgs = _names_through("ocgs", ids, ("reference", "name"), _named)
    lines = _names_through("county_lines", ids, ("reference", "name"), _named)
    people = _names_through("nominals", ids, ("reference", "first_name", "last_name"), _person)
    return {pk: (ocgs.get(pk, []), lines.get(pk, []), people.get(pk, [])) for pk in ids}


def disruption_records(*, user: User) -> QuerySet[Disruption]:
    """What the API gives of each disruption: its seizures, and the subjects and gangs it names
    by id alone, so a page of fifty builds no OCG, line, nominal or gang rows it never shows."""
    return (
        Disruption.objects.visible_to(user)
        .select_related("team", "officer")
        .prefetch_related(
            Prefetch("ocgs", queryset=OCG.objects.only("id")),
            Prefetch("county_lines", queryset=CountyLine.objects.only("id")),
            Prefetch("nominals", queryset=Nominal.objects.only("id")),
            Prefetch("gangs", queryset=Gang.objects.only("id")),
            "weapons",
            "drugs",
        )
    )


def disruption_api_rows(*, user: User) -> QuerySet[Disruption]:
    """A page of the API list: each disruption with its team and officer (named on its row);
    what it names and seized the list serializer reads for the whole page as values."""
    return Disruption.objects.visible_to(user).select_related("team", "officer")


def disruption_get(*, user: User, pk: int) -> Disruption:
    return (
        Disruption.objects.select_related(
            "team",
            "officer",
            "operation",
            "created_by",
            "submitted_by",
            "approved_by",
            "returned_by",
        )
        .prefetch_related(
            "ocgs",
            "county_lines",
            "nominals",
            "gangs",
            "weapons",
            "drugs",
            "court_results__nominal",
        )
        .get_visible_or_404(user, pk=pk)
    )


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
