from collections.abc import Callable

from django.conf import settings
from django.db import models
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from kentsoc.audit.models import ReviewedRecord, VersionedRecord
from kentsoc.org.choices import Role
from kentsoc.org.scoping import Access, ScopedQuerySet
from ocg.choices import (
    SCORED_OCG_STATUSES,
    CustodyStatus,
    MembershipRole,
    OcgStatus,
    PlanActionStatus,
    PlanStrand,
)

# The ids of the OCGs a county line hangs off. County lines sit above ocg, so countylines supplies
# the query from its ready() (ocg may not read them through the reverse relation); until it does,
# no OCG counts as behind a line, so the scope can only show less, never more.
_ocgs_behind_lines: dict[str, Callable[[], QuerySet]] = {}


def register_ocgs_behind_lines(query: Callable[[], QuerySet]) -> None:
    _ocgs_behind_lines["query"] = query


def _behind_lines() -> Q:
    query = _ocgs_behind_lines.get("query")
    return Q(pk__in=query()) if query is not None else Q(pk__in=[])


class OcgQuerySet(ScopedQuerySet):
    force_path = "division__force"
    # An OCG lent by a share (kentsoc.sharing) is read by the receiving force's OCG readers.
    share_paths = ("shares",)
    share_roles = frozenset({Role.SUPERVISOR, Role.ANALYST, Role.COORDINATOR, Role.RESEARCHER})

    def scope(self, access: Access):
        if access.force_wide or access.has_role(Role.COORDINATOR, Role.RESEARCHER):
            return self.all()
        if access.role == Role.LRO:
            return self.filter(
                Q(lead_responsible_officer_id=access.user_id) | Q(managing_team_id=access.team_id)
            )
        if access.role == Role.CLGT_OFFICER:
            # Line teams need the OCGs behind lines, and the mapped or adopted ones a line they
            # nominate may be linked to; groups still in development stay with the OCGMU.
            return self.filter(_behind_lines() | Q(status__in=SCORED_OCG_STATUSES))
        if access.role == Role.CLIO:
            return self.filter(_behind_lines())
        return self.none()


class NominalQuerySet(ScopedQuerySet):
    force_path = "force"

    def scope(self, access: Access):
        if access.force_wide or access.has_role(
            Role.COORDINATOR, Role.RESEARCHER, Role.CLGT_OFFICER, Role.CLIO
        ):
            return self.all()
        if access.role == Role.LRO:
            return self.filter(
                Q(memberships__ocg__lead_responsible_officer_id=access.user_id)
                | Q(memberships__ocg__managing_team_id=access.team_id)
            ).distinct()
        return self.none()


class CriminalityType(models.Model):
    """Reference list of criminality types (DOMAIN.md); a table so it filters on any database."""

    code = models.CharField(max_length=40, unique=True)
    label = models.CharField(max_length=80)

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class Nominal(ReviewedRecord):
    """A person of interest. Shared by OCGs, county lines and disruptions of one force."""

    # The force that recorded the person: a nominal belongs to no division, so the force is
    # named here for scoping (kentsoc.org.scoping) rather than found through their groups.
    force = models.ForeignKey("org.Force", on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=16, unique=True, null=True, blank=True)
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    aliases = models.CharField(max_length=300, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    custody_status = models.CharField(
        max_length=16, choices=CustodyStatus.choices, default=CustodyStatus.AT_LIBERTY
    )
    # What the name search (ocg.search) reads, kept by a PostgreSQL trigger (migration 0004) from
    # the names and aliases on every insert and update, bulk ones included: the names lower-cased,
    # without accents or punctuation, and their double-metaphone sound codes (" JN SM0 XMT ").
    # Trigram indexes on both keep a fuzzy search index-backed. Empty on SQLite, whose simpler
    # matcher reads the names themselves.
    search_name = models.TextField(default="", editable=False)
    search_sounds = models.TextField(default="", editable=False)

    objects = NominalQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [models.Index(fields=["last_name", "first_name", "date_of_birth"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(custody_status__in=CustodyStatus.values),
                name="%(app_label)s_%(class)s_custody_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.reference})" if self.reference else self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class OCG(ReviewedRecord):
    reference = models.CharField(max_length=16, unique=True, null=True, blank=True)
    name = models.CharField(max_length=120)
    status = models.CharField(max_length=16, choices=OcgStatus.choices, default=OcgStatus.NOMINATED)
    criminality = models.ManyToManyField(CriminalityType, related_name="ocgs", blank=True)
    summary = models.TextField(blank=True)
    division = models.ForeignKey("org.Division", on_delete=models.PROTECT, related_name="ocgs")
    managing_team = models.ForeignKey(
        "org.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="managed_ocgs"
    )
    lead_responsible_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lro_ocgs",
    )
    nominated_on = models.DateField()
    mapped_on = models.DateField(null=True, blank=True)
    adopted_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(
        null=True, blank=True, help_text="Dismantled, archived or rejected"
    )
    closure_reason = models.TextField(blank=True)
    score_stale_since = models.DateTimeField(null=True, blank=True, db_index=True)
    # Set while a "submit for mapping" waits for a supervisor; cleared on approval or return.
    mapping_submitted_at = models.DateTimeField(null=True, blank=True)
    mapping_submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = OcgQuerySet.as_manager()

    class Meta:
        verbose_name = "OCG"
        verbose_name_plural = "OCGs"
        ordering = ["reference", "id"]
        permissions = [
            ("approve_ocg", "Can approve OCG mapping, adoption and closure"),
            ("manage_plan_ocg", "Can keep the 4P plan of an OCG"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OcgStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=OcgStatus.ADOPTED)
                | (Q(managing_team__isnull=False) & Q(lead_responsible_officer__isnull=False)),
                name="%(app_label)s_%(class)s_adopted_has_team_and_lro",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("nominated_on")),
                name="%(app_label)s_%(class)s_closed_after_nominated",
            ),
            models.CheckConstraint(
                condition=Q(mapping_submitted_at__isnull=True) | Q(status=OcgStatus.IN_DEVELOPMENT),
                name="%(app_label)s_%(class)s_awaiting_approval_in_development",
            ),
        ]
        indexes = [
            # The supervisors' "waiting for approval" count (dashboard) reads the few OCGs
            # submitted for mapping by division, instead of scanning every OCG in the country.
            models.Index(
                fields=["division"],
                condition=Q(mapping_submitted_at__isnull=False),
                name="ocg_mapping_submitted",
            ),
            # A ranked county line's officer is its OCG's LRO (dashboard): read from this index
            # alone, the planner probes it for a force's few dozen lines instead of hashing every
            # OCG in the country (5,000 at national scale) to join them.
            models.Index(fields=["id"], include=["lead_responsible_officer"], name="ocg_id_lro"),
            # A force's stale OCGs, per division (the dashboard's figures), whatever the backlog
            # in other forces.
            models.Index(
                fields=["division", "score_stale_since"],
                condition=Q(score_stale_since__isnull=False),
                name="ocg_stale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}" if self.reference else self.name


class Membership(models.Model):
    ocg = models.ForeignKey(OCG, on_delete=models.CASCADE, related_name="memberships")
    nominal = models.ForeignKey(Nominal, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=16, choices=MembershipRole.choices)
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["ocg", "role", "nominal"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=MembershipRole.values),
                name="%(app_label)s_%(class)s_role_valid",
            ),
            models.CheckConstraint(
                condition=Q(to_date__isnull=True)
                | Q(from_date__isnull=True)
                | Q(to_date__gte=F("from_date")),
                name="%(app_label)s_%(class)s_dates_in_order",
            ),
            models.UniqueConstraint(
                fields=["ocg", "nominal"],
                condition=Q(to_date__isnull=True),
                name="%(app_label)s_%(class)s_one_current_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nominal} — {self.get_role_display()} of {self.ocg}"


class OcgStatusChange(models.Model):
    """The lifecycle history: who moved the OCG, when, from what to what, and why."""

    ocg = models.ForeignKey(OCG, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=OcgStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=OcgStatus.choices)
    effective_on = models.DateField(help_text="The date the change took effect")
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ocg", "effective_on", "changed_at", "id"]
        indexes = [models.Index(fields=["ocg", "effective_on"])]

    def __str__(self) -> str:
        return f"{self.ocg}: {self.from_status or '—'} → {self.to_status} on {self.effective_on}"


class PlanAction(VersionedRecord):
    """One action of an adopted OCG's 4P plan (Pursue, Prevent, Protect, Prepare)."""

    ocg = models.ForeignKey(OCG, on_delete=models.CASCADE, related_name="plan_actions")
    strand = models.CharField(max_length=8, choices=PlanStrand.choices)
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ocg_plan_actions"
    )
    due_on = models.DateField()
    status = models.CharField(
        max_length=12, choices=PlanActionStatus.choices, default=PlanActionStatus.OPEN
    )

    class Meta:
        ordering = ["ocg", "strand", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(strand__in=PlanStrand.values),
                name="%(app_label)s_%(class)s_strand_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=PlanActionStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(description=""), name="%(app_label)s_%(class)s_description_required"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_strand_display()}: {self.description[:40]}"

    @property
    def is_overdue(self) -> bool:
        return self.status != PlanActionStatus.DONE and self.due_on < timezone.localdate()
