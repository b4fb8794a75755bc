from django.db import models
from django.db.models import F, Q

from kentsoc.audit.models import ReviewedRecord
from kentsoc.gangs.choices import GangKind, GangRole, GangStatus
from kentsoc.org.choices import Role
from kentsoc.org.scoping import Access, ScopedQuerySet

# Gangs are the CLGTs' local work: the divisional teams and the people who work beside them see
# their own division's gangs; the Central CLGT, supervisors and analysts read across the force.
DIVISIONAL_ROLES = (Role.CLGT_OFFICER, Role.CLIO, Role.COORDINATOR)


def gangs_q(access: Access, prefix: str = "") -> Q | None:
    """Which gangs a user may see: None for none, an empty Q for all."""
    if access.force_wide or (access.role == Role.CLGT_OFFICER and access.is_central_clgt):
        return Q()
    if access.has_role(*DIVISIONAL_ROLES) and access.division_id is not None:
        return Q(**{f"{prefix}division_id": access.division_id})
    return None


class GangQuerySet(ScopedQuerySet):
    force_path = "division__force"

    def scope(self, access: Access):
        visible = gangs_q(access)
        return self.none() if visible is None else self.filter(visible)


class Gang(ReviewedRecord):
    """A gang or street group in the force area: not a matrix subject (DOMAIN.md "Gangs")."""

    reference = models.CharField(max_length=16, unique=True, null=True, blank=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=GangKind.choices, default=GangKind.GANG)
    area = models.CharField(
        max_length=160, help_text="Where it operates, e.g. an estate, a town centre or a district"
    )
    division = models.ForeignKey("org.Division", on_delete=models.PROTECT, related_name="gangs")
    description = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=GangStatus.choices, default=GangStatus.ACTIVE)
    county_lines = models.ManyToManyField(
        "countylines.CountyLine", related_name="gangs", blank=True
    )
    ocgs = models.ManyToManyField("ocg.OCG", related_name="gangs", blank=True)

    objects = GangQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=GangKind.values), name="%(app_label)s_%(class)s_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=GangStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(name__regex=r"^\s*$"), name="%(app_label)s_%(class)s_name_required"
            ),
            models.CheckConstraint(
                condition=~Q(area__regex=r"^\s*$"), name="%(app_label)s_%(class)s_area_required"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}" if self.reference else self.name


class GangMembershipQuerySet(ScopedQuerySet):
    force_path = "gang__division__force"

    def scope(self, access: Access):
        visible = gangs_q(access, prefix="gang__")
        return self.none() if visible is None else self.filter(visible)


class GangMembership(models.Model):
    gang = models.ForeignKey(Gang, on_delete=models.CASCADE, related_name="memberships")
    nominal = models.ForeignKey(
        "ocg.Nominal", on_delete=models.PROTECT, related_name="gang_memberships"
    )
    role = models.CharField(max_length=16, choices=GangRole.choices, default=GangRole.MEMBER)
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)

    objects = GangMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["gang", "role", "nominal"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=GangRole.values), name="%(app_label)s_%(class)s_role_valid"
            ),
            models.UniqueConstraint(
                fields=["gang", "nominal"], name="%(app_label)s_%(class)s_one_per_person"
            ),
            models.CheckConstraint(
                condition=Q(to_date__isnull=True)
                | Q(from_date__isnull=True)
                | Q(to_date__gte=F("from_date")),
                name="%(app_label)s_%(class)s_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nominal} — {self.get_role_display()} of {self.gang}"
