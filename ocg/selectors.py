"""Reads of OCGs and nominals, always scoped to what the user may see.

List selectors fetch what a row shows (criminality, members, current score and rankings, evidence
criteria) in a fixed number of queries whatever the number of rows. A page's related rows are
read by `ocg__pk__in=ids`, not `ocg_id__in`: the same SQL, but Django prepares each id of a
foreign key's own lookup through the related field (about a dozen Python calls an id, fifty ids
a page), and the target's primary key in half that.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.org.scoping import READ
from kentsoc.web.reader_queries import reader_query
from kentsoc.web.reader_rows import reader_instances, reader_objects, subject_objects
from ocg import definition as ocg_definition
from ocg import scores, search
from ocg.choices import MembershipRole, OcgStatus
from ocg.models import (
    OCG,
    CriminalityType,
    Membership,
    Nominal,
    OcgStatusChange,
    PlanAction,
)
from ocg.network import network_links, nominal_node, ocg_node

# What the API says of a member (ocg.api.serializers.MembershipSerializer) and the definition's
# count of current members reads.
_MEMBER_FIELDS = (
    "ocg_id",
    "role",
    "from_date",
    "to_date",
    "nominal__reference",
    "nominal__first_name",
    "nominal__last_name",
)


def _with_related(queryset: QuerySet[OCG], *, page: bool = False) -> QuerySet[OCG]:
    """`page`: for one OCG's page, which names its team, LRO and members in full and explains its
    score factor by factor; the API's rows give ids, members' names and the score's figures, so a
    list builds no more of each row than that nor decodes any breakdown."""
    members = Membership.objects.select_related("nominal").order_by(
        "to_date", "role", "nominal__last_name", "id"
    )
    related = ["division"]
    if page:
        related += ["managing_team", "lead_responsible_officer"]
    else:
        members = members.only(*_MEMBER_FIELDS)
    return scores.with_scores(
        queryset.select_related(*related).prefetch_related(
            "criminality",
            Prefetch("memberships", queryset=members),
            *ocg_definition.prefetch(),
        ),
        breakdown=page,
    )


def _listed(user: AbstractBaseUser, lent: bool) -> QuerySet[OCG]:
    """The user's force's OCGs, and with `lent` those a live share lends it, marked
    (`lent_share_id`, `lent_by`, `lent_access`: kentsoc.org.scoping)."""
    if not lent:
        return OCG.objects.visible_to(user)
    return OCG.objects.visible_to(user, lent=READ).with_lent_marks(user)


def ocg_list(*, user: AbstractBaseUser, lent: bool = False) -> QuerySet[OCG]:
    """OCGs with everything the API shows of each: members, evidence, score and ranks (with
    `lent`, also the OCGs lent to the user's force)."""
    return _with_related(_listed(user, lent))


def ocg_api_rows(*, user: AbstractBaseUser, lent: bool) -> QuerySet[OCG]:
    """A page of the API list: each OCG's own columns and division, its count of current members
    and evidenced criteria (what the definition's gaps read) and score columns annotated; its
    members, criminality, score and ranks read for the whole page as values (`ocg_members`,
    `ocg_criminality`, `scores.scores_data`). Built once per officer and day (reader_query)."""

    def build() -> QuerySet[OCG]:
        listed = _listed(user, lent).select_related("division")
        return scores.with_score_columns(
            ocg_definition.annotate(
                listed.annotate(**{ocg_definition.CURRENT_MEMBERS: _current_members()})
            )
        )

    return reader_query(f"ocg.api_rows.{lent}", user, build)


def ocg_members(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each OCG's members as the API writes them (ocg.api.serializers.MembershipSerializer), in
    the order `ocg_list` prefetches them, from one query of values."""
    found: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    rows = (
        Membership.objects.filter(ocg__pk__in=ids)
        .order_by("to_date", "role", "nominal__last_name", "id")
        .values_list(
            "ocg_id",
            "id",
            "nominal_id",
            "nominal__reference",
            "nominal__first_name",
            "nominal__last_name",
            "role",
            "from_date",
            "to_date",
        )
    )
    for ocg_id, pk, nominal, reference, first, last, role, from_date, to_date in rows:
        found[ocg_id].append(
            {
                "id": pk,
                "nominal": nominal,
                "reference": reference,
                "name": f"{first} {last}".strip(),
                "role": role,
                "from_date": from_date.isoformat() if from_date else None,
                "to_date": to_date.isoformat() if to_date else None,
            }
        )
    return found


def ocg_criminality(ids: list[int]) -> dict[int, list[str]]:
    """Each OCG's criminality codes, sorted, from one query of values."""
    found: dict[int, list[str]] = {pk: [] for pk in ids}
    rows = OCG.criminality.through.objects.filter(ocg__pk__in=ids).values_list(
        "ocg_id", "criminalitytype__code"
    )
    for ocg_id, code in rows:
        found[ocg_id].append(code)
    return {pk: sorted(codes) for pk, codes in found.items()}


def ocg_row_criminality(ids: list[int]) -> dict[int, list[str]]:
    """For a page of `ocg_rows`, each OCG's criminality by label in label order (as its
    `criminality_rows` prefetch lists them), from one query of values rather than a model row
    of each."""
    found: dict[int, list[str]] = {pk: [] for pk in ids}
    rows = (
        OCG.criminality.through.objects.filter(ocg__pk__in=ids)
        .order_by("criminalitytype__label")
        .values_list("ocg_id", "criminalitytype__label")
    )
    for ocg_id, label in rows:
        found[ocg_id].append(label)
    return found


def ocg_rows(*, user: AbstractBaseUser) -> QuerySet[OCG]:
    """OCGs with what a row of the list page and its CSV show, and nothing more: the score's
    total and tier and the count of current members worked out in SQL, the criminality read
    into a list (`criminality_rows`). Built once per officer and day (reader_query)."""
    return reader_query(
        "ocg.rows",
        user,
        lambda: scores.with_score_columns(
            _listed(user, lent=True)
            .select_related("division", "managing_team", "lead_responsible_officer")
            .prefetch_related(Prefetch("criminality", to_attr="criminality_rows"))
            .annotate(current_members=_current_members())
        ),
    )


def ocg_row_names(queryset: QuerySet[OCG]) -> QuerySet[OCG]:
    """`ocg_rows` naming each OCG's division, managing team and LRO as values (`division_name`,
    `team_name`, `lro_first_name`, `lro_last_name`) through the joins `select_related` made,
    rather than as a model row of each: a page of fifty built a hundred and fifty."""
    return queryset.annotate(
        division_name=F("division__name"),
        team_name=F("managing_team__name"),
        lro_first_name=F("lead_responsible_officer__first_name"),
        lro_last_name=F("lead_responsible_officer__last_name"),
    )


def _current_members() -> Coalesce:
    # A correlated count rather than a join: the list's COUNT(*) for its pages stays a plain one.
    members = (
        Membership.objects.filter(ocg=OuterRef("pk"), to_date__isnull=True)
        .order_by()
        .values("ocg")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(members), 0)


def ocg_get(*, user: AbstractBaseUser, pk: int | str) -> OCG:
    """The OCG, or Http404 when it does not exist or the user may not see it. The scoped query
    with its joins and prefetches is built once per officer and day (reader_query): it reads
    nothing but the officer's access, and building it was a tenth of an OCG's page."""
    page = reader_query(
        "ocg.page", user, lambda: _with_related(OCG.objects.visible_to(user), page=True)
    )
    try:
        return page.get(pk=pk)
    except (OCG.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No {OCG._meta.verbose_name} matches the given query.") from None


def _page_ocg(user: AbstractBaseUser, pk: Any) -> QuerySet[OCG]:
    # The criteria its evidence names annotated (ocg.definition.annotate), not prefetched.
    return scores.with_score_columns(
        ocg_definition.annotate(
            OCG.objects.visible_to(user)
            .select_related("division", "managing_team", "lead_responsible_officer")
            .filter(pk=pk)
        )
    )


def _page_criminality(ocg_id: int) -> QuerySet[CriminalityType]:
    return CriminalityType.objects.filter(ocgs=ocg_id)


def _page_members(ocg_id: int) -> QuerySet[Membership]:
    return (
        Membership.objects.select_related("nominal")
        .filter(ocg_id=ocg_id)
        .order_by("to_date", "role", "nominal__last_name", "id")
    )


def _as_prefetched(ocg: OCG, name: str, rows: list[Any]) -> None:
    """`rows` as prefetch_related(name) leaves them: what `ocg.<name>.all()` gives."""
    queryset = getattr(ocg, name).get_queryset()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    ocg.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def ocg_page_get(*, user: AbstractBaseUser, pk: int | str) -> OCG:
    """The OCG as `ocg_get` reads it (or Http404), for its page, which reads it on every visit:
    the OCG's statement compiled once per officer and day (reader_objects: its scope,
    annotations and joins read nothing but the officer's access and the day) and its
    criminality, members, score and ranks once per process (subject_objects: they read
    nothing but the OCG's id once it was read through the scope), each run by name.
    Compiling the query and its five prefetches was a third of the page's Python calls."""
    try:
        found = reader_objects("ocg.page", user, lambda mark: _page_ocg(user, mark), pk)
    except (ValueError, TypeError):
        found = []
    if not found:
        raise Http404(f"No {OCG._meta.verbose_name} matches the given query.")
    ocg = found[0]
    _as_prefetched(
        ocg, "criminality", subject_objects("ocg.criminality", _page_criminality, ocg.pk)
    )
    members = subject_objects("ocg.members", _page_members, ocg.pk)
    for member in members:
        # As the prefetch left each member: its OCG is this one.
        Membership.ocg.field.set_cached_value(member, ocg)
    _as_prefetched(ocg, "memberships", members)
    scores.with_page_scores(ocg)
    return ocg


def missing_criteria(ocg: OCG) -> list[str]:
    """Codes of the definition's criteria not yet met (from what `ocg_list`/`ocg_get` prefetched:
    no query per OCG)."""
    return [gap.code for gap in ocg_definition.gaps(ocg)]


def missing_criteria_labels(ocg: OCG) -> list[str]:
    return [gap.label for gap in ocg_definition.gaps(ocg)]


# --- history ------------------------------------------------------------------------------------


def ocg_history(*, ocg: OCG) -> dict[str, Any]:
    """Lifecycle moves and every audited change to the OCG, its members, plan and evidence.
    Views and exports stay in the audit trail: one per page load, they would bury the changes."""
    changes = list(
        OcgStatusChange.objects.filter(ocg=ocg)
        .select_related("changed_by")
        .order_by("-changed_at", "-id")
    )
    related = Q(object_type="ocg.ocg", object_id=str(ocg.pk)) | Q(
        object_type__in=["ocg.membership", "ocg.planaction", "intel.definitionevidence"],
        changes__ocg=ocg.pk,
    )
    events = list(
        AuditEvent.objects.filter(related)
        .exclude(action__in=[AuditAction.VIEW, AuditAction.EXPORT])
        .order_by("-at", "-id")[:200]
    )
    return {"status_changes": changes, "events": events}


def latest_return(*, ocg: OCG) -> OcgStatusChange | None:
    """The supervisor's return, with its reason, if that is the last thing that happened to a
    submission: what the coordinator has to work on before submitting again."""
    if ocg.status != OcgStatus.IN_DEVELOPMENT or ocg.mapping_submitted_at is not None:
        return None
    last = (
        OcgStatusChange.objects.filter(ocg=ocg)
        .select_related("changed_by")
        .order_by("-changed_at", "-id")
        .first()
    )
    # A return is the one move that stays in development.
    if last and last.from_status == last.to_status == OcgStatus.IN_DEVELOPMENT:
        return last
    return None


# --- network ------------------------------------------------------------------------------------


def ocg_network_centre(*, user: AbstractBaseUser, pk: int | str) -> OCG:
    """The OCG a network is drawn around, or Http404 as `ocg_get`: its reference and name are all
    the network reads of it, not the members, evidence and score panels a page prefetches."""
    return OCG.objects.only("reference", "name").get_visible_or_404(user, pk=pk)


def ocg_network(*, user: AbstractBaseUser, ocg: OCG) -> dict[str, Any]:
    """The OCG, its current members (with roles), and the other OCGs and county lines they belong
    to; plus lines linked to the OCG itself (from the apps that know them: ocg.network). Only what
    the user may see is included. Members and their other OCGs are read as the values drawn."""
    roles = dict(MembershipRole.choices)
    members = list(
        Membership.objects.filter(ocg=ocg, to_date__isnull=True).values_list(
            "nominal_id", "nominal__first_name", "nominal__last_name", "role"
        )
    )
    nominal_ids = [nominal_id for nominal_id, *_ in members]
    visible_ocgs = OCG.objects.visible_to(user)
    other_memberships = (
        Membership.objects.filter(nominal_id__in=nominal_ids, to_date__isnull=True)
        .exclude(ocg=ocg)
        .filter(ocg__in=visible_ocgs)
        .values_list("nominal_id", "ocg_id", "ocg__reference", "ocg__name", "role")
    )

    nodes: dict[str, dict] = {}
    edges: list[dict] = []

    def node(key: str, label: str, kind: str, url: str, **extra: Any) -> None:
        nodes.setdefault(key, {"id": key, "label": label, "kind": kind, "url": url, **extra})

    centre = ocg_node(ocg.pk)
    node(
        centre,
        f"{ocg.reference} {ocg.name}",
        "ocg",
        reverse("ocg:detail", args=[ocg.pk]),
        focus=True,
    )
    for nominal_id, first_name, last_name, role in members:
        key = nominal_node(nominal_id)
        # as Nominal.full_name writes it
        node(
            key,
            f"{first_name} {last_name}".strip(),
            "nominal",
            reverse("ocg:nominal-detail", args=[nominal_id]),
        )
        edges.append({"source": key, "target": centre, "label": roles.get(role, role)})
    for nominal_id, ocg_id, reference, name, role in other_memberships:
        key = ocg_node(ocg_id)
        node(key, f"{reference} {name}", "ocg", reverse("ocg:detail", args=[ocg_id]))
        edges.append(
            {"source": nominal_node(nominal_id), "target": key, "label": roles.get(role, role)}
        )
    for link in network_links(user=user, ocg=ocg, nominal_ids=nominal_ids):
        node(link.key, link.label, link.kind, link.url)
        edges.append({"source": link.source, "target": link.key, "label": link.relation})
    for edge in edges:
        for end in ("source", "target"):
            edge[f"{end}_label"] = nodes[edge[end]]["label"]
            edge[f"{end}_url"] = nodes[edge[end]]["url"]
    return {"nodes": list(nodes.values()), "edges": edges}


def network_people(network: dict[str, Any]) -> list[int]:
    """The nominals an `ocg_network` names, for the audit event of reading it."""
    return [
        int(n["id"].removeprefix("nominal-")) for n in network["nodes"] if n["kind"] == "nominal"
    ]


# --- plan ---------------------------------------------------------------------------------------


def plan_actions(*, ocg: OCG) -> list[PlanAction]:
    return list(
        PlanAction.objects.filter(ocg=ocg)
        .select_related("owner", "owner__officer")
        .order_by("strand", "due_on", "id")
    )


# --- nominals -----------------------------------------------------------------------------------


def nominal_list(*, user: AbstractBaseUser) -> QuerySet[Nominal]:
    return (
        Nominal.objects.visible_to(user)
        .annotate(
            ocg_count=Count(
                "memberships__ocg", filter=Q(memberships__to_date__isnull=True), distinct=True
            )
        )
        .order_by("last_name", "first_name", "id")
    )


def nominals_visible(user: AbstractBaseUser) -> QuerySet[Nominal]:
    """The people the user may see: the scope reads nothing but the officer's access, so it is
    built once per officer and day (reader_query), for a person's page and its duplicates."""
    return reader_query("ocg.nominals_visible", user, lambda: Nominal.objects.visible_to(user))


def nominal_get(*, user: AbstractBaseUser, pk: int | str) -> Nominal:
    try:
        return nominals_visible(user).get(pk=pk)
    except (Nominal.DoesNotExist, ValueError, TypeError):
        # As get_visible_or_404: a person the user may not see is not found.
        raise Http404(f"No {Nominal._meta.verbose_name} matches the given query.") from None


def nominal_search(*, user: AbstractBaseUser, text: str, limit: int = 10) -> list[Nominal]:
    """For the search-as-you-type pickers: the header search box's matcher and order (ocg.search:
    misspelt and sound-alike names, nicknames, aliases, reference), closest first, so a picker
    offers whom the search box would."""
    if len((text or "").strip()) < 2:
        return []
    return list(search.nominal_ranked(user, text)[:limit])


_OCG_STATUS_LABELS = dict(OcgStatus.choices)


def nominal_appearances(*, user: AbstractBaseUser, nominal: Nominal) -> dict[str, Any]:
    """Every OCG the person is a member of that the user may see (the county lines they work and
    their intelligence records are sections the apps above add to the page), each membership
    naming its OCG's reference, name and status as columns (`ocg_reference`, `ocg_name`,
    `ocg_status_label`) rather than a joined row. The statement is compiled once per officer
    and day, the person's id bound on each request (reader_instances)."""
    memberships = reader_instances(
        "ocg.nominal_memberships",
        user,
        Membership,
        lambda mark: (
            Membership.objects.filter(nominal_id=mark, ocg__in=OCG.objects.visible_to(user))
            .annotate(
                ocg_reference=F("ocg__reference"),
                ocg_name=F("ocg__name"),
                ocg_status=F("ocg__status"),
            )
            .order_by("to_date", "ocg__reference")
        ),
        nominal.pk,
    )
    for membership in memberships:
        # As the OCG's get_status_display() gives it.
        membership.ocg_status_label = str(
            _OCG_STATUS_LABELS.get(membership.ocg_status, membership.ocg_status)
        )
    return {"memberships": memberships}
