from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from kentsoc.org.choices import DIVISIONAL_TEAM_KINDS, Rank, Role, TeamKind
from kentsoc.org.scoping import ReferenceQuerySet


class ForceQuerySet(ReferenceQuerySet):
    force_path = "pk"


class DivisionQuerySet(ReferenceQuerySet):
    force_path = "force"


class DistrictQuerySet(ReferenceQuerySet):
    force_path = "division__force"


class TeamQuerySet(ReferenceQuerySet):
    force_path = "force"


class OfficerQuerySet(ReferenceQuerySet):
    force_path = "team__force"


class Force(models.Model):
    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=120)
    # Set once the force is party to a share (asked, offered or approved: kentsoc.sharing): only
    # then do scoping, pages and panels look for shares at all.
    has_shares = models.BooleanField(default=False)

    objects = ForceQuerySet.as_manager()

    def __str__(self) -> str:
        return self.name


class Division(models.Model):
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="divisions")
    code = models.CharField(max_length=16, unique=True, help_text="Short code, e.g. NORTH")
    name = models.CharField(max_length=80)
    is_central = models.BooleanField(
        default=False,
        help_text="The Central CLGT's matrix: it has no districts; lines reach it only by flex.",
    )

    objects = DivisionQuerySet.as_manager()

    class Meta:
        ordering = ["is_central", "name"]

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="districts")
    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=80, unique=True)

    objects = DistrictQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=TeamKind.choices)
    # A force-wide team has no division, so the force is the team's own: it is what decides
    # which force's records an officer of the team sees (kentsoc.org.scoping).
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="teams")
    division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="teams",
        help_text="Empty for a force-wide team; one of the team's force's divisions otherwise.",
    )
    # The force measures a unit's results from its start ("+39% since the OCGMU was formed in
    # September 2021"), so the dashboard reads it here rather than assume a rolling year.
    formed_on = models.DateField(
        null=True, blank=True, help_text="When the team was formed or commenced its work."
    )

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                # Sorted: a frozenset's order changes between runs and would churn migrations.
                condition=~Q(kind__in=sorted(k.value for k in DIVISIONAL_TEAM_KINDS))
                | Q(division__isnull=False),
                name="%(app_label)s_%(class)s_divisional_kind_has_division",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=TeamKind.values),
                name="%(app_label)s_%(class)s_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (
            self.division_id is not None
            and self.force_id is not None
            and self.division.force_id != self.force_id
        ):
            raise ValidationError({"division": "Choose one of the team's force's divisions."})

    @property
    def is_force_wide(self) -> bool:
        return self.division_id is None


class Officer(models.Model):
    """The police profile of a user: who they are on the force and what role they play."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer"
    )
    collar_number = models.CharField(max_length=16, unique=True)
    rank = models.CharField(max_length=8, choices=Rank.choices)
    role = models.CharField(max_length=20, choices=Role.choices)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="officers")
    division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
        help_text="The division the officer represents; defaults to their team's.",
    )
    must_change_password = models.BooleanField(
        default=False,
        help_text="Set when an administrator set this officer's password: they must choose "
        "their own at their next sign-in, and see nothing until they do.",
    )

    objects = OfficerQuerySet.as_manager()

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=Role.values), name="%(app_label)s_%(class)s_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(rank__in=Rank.values), name="%(app_label)s_%(class)s_rank_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rank} {self.user.get_full_name()} ({self.collar_number})"

    def clean(self) -> None:
        if (
            self.division_id is not None
            and self.team_id is not None
            and self.division.force_id != self.team.force_id
        ):
            raise ValidationError({"division": "Choose one of the team's force's divisions."})

    @property
    def display_name(self) -> str:
        # Police staff have no rank to address them by.
        rank = "" if self.rank == Rank.STAFF else self.rank
        return f"{rank} {self.user.get_full_name()}".strip()

    @property
    def effective_division_id(self) -> int | None:
        return self.division_id or self.team.division_id
