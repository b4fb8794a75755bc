"""Reads of lifetime management, each scoped to what the user may see, with the joins and
annotations the lists need so a page costs the same number of queries whatever its length."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from disruptions.models import Disruption
from kentsoc.lifetime.choices import IN_CUSTODY, Audience, ConditionKind, ScpoStatus
from kentsoc.lifetime.models import (
    AttentionItem,
    Condition,
    CustodyEvent,
    CustodyPeriod,
    PartnerAttendance,
    Scpo,
    ScpoBreach,
    TrainingAttendance,
    TrainingInput,
)
from kentsoc.web.reader_queries import reader_query
from ocg.choices import OcgStatus
from ocg.models import OCG, Membership, Nominal


def _current_memberships(user: AbstractBaseUser) -> Prefetch:
    # Only the groups the user may see: an LRO sees their member, not the member's other OCGs.
    return Prefetch(
        "nominal__memberships",
        queryset=Membership.objects.filter(
            to_date__isnull=True, ocg__in=OCG.objects.visible_to(user).values("pk")
        )
        .select_related("ocg", "ocg__division")
        .order_by("ocg__reference", "ocg__name"),
        to_attr="current_memberships",
    )


def _mark_openable_disruption(rows: list[Any], user: AbstractBaseUser) -> None:
    """Each condition's or SCPO's linked disruption as `shown_disruption` when the user may open
    it, else None, and `hidden_disruption` when one is linked that they may not: the link is
    often a draft of the officer who recorded the restriction, which only its author and the
    approvers may read, so its reference is not everyone's who reads the person's lifetime."""
    linked = {row.disruption_id for row in rows if row.disruption_id is not None}
    openable = (
        {d.pk: d for d in Disruption.objects.visible_to(user).filter(pk__in=linked)}
        if linked
        else {}
    )
    for row in rows:
        row.shown_disruption = openable.get(row.disruption_id)
        row.hidden_disruption = row.disruption_id is not None and row.shown_disruption is None


def nominal_lifetime_get(*, user: AbstractBaseUser, nominal_id: Any) -> dict[str, Any]:
    """Everything on a person's lifetime page. A person the user may not see is a 404."""
    nominal = Nominal.objects.get_visible_or_404(user, pk=nominal_id)
    return nominal_lifetime_of(user=user, nominal=nominal)


_RECORDED = (("periods", CustodyPeriod), ("scpos", Scpo), ("conditions", Condition))


def _kinds_recorded(nominal: Nominal) -> set[str]:
    """Which kinds of lifetime record (custody, SCPOs, conditions) the person has at all, in one
    small statement: most people have none, and each kind's scoped query costs a few thousand
    Python calls to build whether it finds rows or not (the ORM's union of the three cost as
    much again). Only whether to ask: what is shown is read through each kind's own scope."""
    quote = connection.ops.quote_name
    # Table and column names from the models, each kind as its position: only the id is a value.
    sql = " UNION ".join(
        f"SELECT {index} FROM {quote(model._meta.db_table)} "  # noqa: S608 (names from the models)
        f"WHERE {quote(model._meta.get_field('nominal').column)} = %s"
        for index, (_kind, model) in enumerate(_RECORDED)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [nominal.pk] * len(_RECORDED))
        return {_RECORDED[index][0] for (index,) in cursor.fetchall()}


def nominal_lifetime_of(*, user: AbstractBaseUser, nominal: Nominal) -> dict[str, Any]:
    """`nominal_lifetime_get` of a person the caller has already read through
    `Nominal.objects.visible_to(user)` (the person's own page), without reading them again."""
    recorded = _kinds_recorded(nominal)
    periods = (
        list(
            CustodyPeriod.objects.visible_to(user)
            .filter(nominal=nominal)
            .prefetch_related(
                Prefetch("events", queryset=CustodyEvent.objects.select_related("recorded_by"))
            )
        )
        if "periods" in recorded
        else []
    )
    scpos = (
        list(
            Scpo.objects.visible_to(user)
            .filter(nominal=nominal)
            .prefetch_related("variations", "breaches")
        )
        if "scpos" in recorded
        else []
    )
    conditions = (
        list(
            Condition.objects.visible_to(user)
            .filter(nominal=nominal)
            .select_related("requested_by")
        )
        if "conditions" in recorded
        else []
    )
    _mark_openable_disruption([*scpos, *conditions], user)
    # Only the groups the user may see, as on the lists: an LRO sees their member, not the
    # member's other OCGs. The scope names no person: built once per officer and day.
    ocgs = list(
        reader_query(
            "lifetime.nominal_ocgs",
            user,
            lambda: OCG.objects.visible_to(user).select_related("division"),
        )
        .filter(memberships__nominal=nominal, memberships__to_date__isnull=True)
        .distinct()
    )
    return {
        "nominal": nominal,
        "periods": periods,
        "open_period": next((p for p in periods if p.ended_on is None), None),
        "conditions": conditions,
        "scpos": scpos,
        "ocgs": ocgs,
    }


def releases_list(*, user: AbstractBaseUser) -> QuerySet[CustodyPeriod]:
    """People in custody with an expected release date, soonest first, with their OCGs and
    whether licence conditions and an SCPO in force are already in place."""
    return (
        CustodyPeriod.objects.visible_to(user)
        .filter(status__in=IN_CUSTODY, ended_on__isnull=True, expected_release_date__isnull=False)
        .select_related("nominal")
        .prefetch_related(_current_memberships(user))
        .annotate(
            has_licence_conditions=Exists(
                Condition.objects.filter(period=OuterRef("pk"), kind=ConditionKind.LICENCE)
            ),
            has_scpo=Exists(
                Scpo.objects.filter(nominal=OuterRef("nominal_id"), status=ScpoStatus.MADE)
            ),
        )
        .order_by("expected_release_date", "nominal__last_name", "id")
    )


def scpos_expiring_list(*, user: AbstractBaseUser) -> QuerySet[Scpo]:
    return (
        Scpo.objects.visible_to(user)
        .filter(status=ScpoStatus.MADE)
        .select_related("nominal")
        .prefetch_related(_current_memberships(user))
        .annotate(breach_count=Count("breaches"))
        .order_by("expires_on", "id")
    )


def scpo_breaches_list(*, user: AbstractBaseUser) -> QuerySet[ScpoBreach]:
    return (
        ScpoBreach.objects.visible_to(user)
        .select_related("scpo", "scpo__nominal", "recorded_by")
        .order_by("-breached_on", "-id")
    )


def in_prison_list(*, user: AbstractBaseUser) -> QuerySet[Membership]:
    """Current members of OCGs who are remanded or in prison, by OCG."""
    # Its scopes and custody subqueries read nothing but the officer's access: built once per
    # officer and day, not on every request (issue 18).
    return reader_query("lifetime.in_prison", user, lambda: _in_prison(user))


def _in_prison(user: AbstractBaseUser) -> QuerySet[Membership]:
    in_custody = CustodyPeriod.objects.visible_to(user).filter(
        status__in=IN_CUSTODY, ended_on__isnull=True
    )
    period = in_custody.filter(nominal_id=OuterRef("nominal_id")).order_by()
    return (
        Membership.objects.filter(
            to_date__isnull=True,
            nominal_id__in=in_custody.values("nominal_id"),
            ocg__in=OCG.objects.visible_to(user).values("pk"),
        )
        .select_related("ocg", "ocg__division", "nominal")
        .annotate(
            custody_status=Subquery(period.values("status")[:1]),
            establishment=Subquery(period.values("establishment")[:1]),
            expected_release_date=Subquery(period.values("expected_release_date")[:1]),
        )
        .order_by("ocg__reference", "ocg__name", "nominal__last_name", "nominal__first_name")
    )


def untrained_lros_list(*, user: AbstractBaseUser) -> QuerySet:
    """LROs of adopted OCGs with no attendance at LRO training, one row per LRO and division
    (the division of the OCGs they lead), with how many adopted OCGs they lead there."""
    trained = TrainingAttendance.objects.filter(
        officer_id=OuterRef("lead_responsible_officer_id"), training__audience=Audience.LROS
    )
    return (
        OCG.objects.visible_to(user)
        .filter(status=OcgStatus.ADOPTED, lead_responsible_officer__isnull=False)
        .filter(~Exists(trained))
        .values(
            "division_id",
            "division__name",
            "lead_responsible_officer_id",
            "lead_responsible_officer__first_name",
            "lead_responsible_officer__last_name",
            "lead_responsible_officer__officer__collar_number",
        )
        .annotate(adopted_ocgs=Count("id"))
        .order_by("division__name", "lead_responsible_officer__last_name")
    )


def training_list(*, user: AbstractBaseUser) -> QuerySet[TrainingInput]:
    return (
        TrainingInput.objects.visible_to(user)
        .order_by("-held_on", "-id")
        .annotate(
            officers_attended=Count("attendances", distinct=True),
            partner_headcount=Coalesce(
                Subquery(
                    PartnerAttendance.objects.filter(training=OuterRef("pk"))
                    .values("training")
                    .annotate(total=Sum("headcount"))
                    .values("total")[:1]
                ),
                0,
            ),
        )
    )


def training_get(*, user: AbstractBaseUser, training_id: Any) -> TrainingInput:
    return (
        TrainingInput.objects.prefetch_related(
            Prefetch(
                "attendances",
                queryset=TrainingAttendance.objects.select_related("officer", "officer__officer"),
            ),
            "partner_attendances",
        )
        .select_related("created_by")
        .get_visible_or_404(user, pk=training_id)
    )


def attention_items_open(*, user: AbstractBaseUser) -> QuerySet[AttentionItem]:
    return (
        AttentionItem.objects.visible_to(user)
        .filter(dismissed_at__isnull=True)
        .select_related("nominal", "scpo")
        .order_by("due_on", "threshold_days", "id")
    )
