from django.db import models
from django.db.models import F, Q

from countylines.models import EXACTLY_ONE_SUBJECT, CountyLine, subject_keys
from kentsoc.org.choices import Role
from kentsoc.org.scoping import Access, ScopedQuerySet
from kentsoc.trh.choices import Confidence, RankedSubject
from ocg.models import OCG


class MatrixQuerySet(ScopedQuerySet):
    """Scores and rankings are visible where their subject is."""

    def force_q(self, access: Access) -> Q:
        # A row names an OCG or a line, never both: the scope below is built from the subjects'
        # own scopes, which keep to the officer's force, so no further force filter is needed.
        return Q()

    def scope(self, access: Access):
        lines = CountyLine.objects.scope(access).values("pk")
        ocgs = OCG.objects.scope(access).values("pk")
        return self.filter(Q(county_line__in=lines) | Q(ocg__in=ocgs))


class Score(models.Model):
    """One computed score of a subject. A new row only when the result changes; history is kept."""

    ocg, county_line = subject_keys("scores")
    matrix_version = models.CharField(max_length=16)
    total = models.PositiveIntegerField()
    threat = models.PositiveIntegerField()
    risk = models.PositiveIntegerField()
    harm = models.PositiveIntegerField()
    breakdown = models.JSONField(
        default=list,
        help_text="Per factor: code, part, level, points, record ids that set the level",
    )
    confidence = models.CharField(max_length=8, choices=Confidence.choices())
    tier = models.PositiveSmallIntegerField(null=True, blank=True, help_text="OCGs only")
    newest_intelligence_on = models.DateField(null=True, blank=True)
    as_of = models.DateField(help_text="The date the score describes")
    is_current = models.BooleanField(default=True)
    computed_at = models.DateTimeField(auto_now_add=True)

    objects = MatrixQuerySet.as_manager()

    class Meta:
        ordering = ["-computed_at", "-id"]
        get_latest_by = "computed_at"
        constraints = [
            models.CheckConstraint(
                condition=EXACTLY_ONE_SUBJECT, name="%(app_label)s_%(class)s_one_subject"
            ),
            models.CheckConstraint(
                condition=Q(total=F("threat") + F("risk") + F("harm")),
                name="%(app_label)s_%(class)s_total_is_sum",
            ),
            models.CheckConstraint(
                condition=Q(confidence__in=Confidence.values()),
                name="%(app_label)s_%(class)s_confidence_valid",
            ),
            models.CheckConstraint(
                condition=Q(tier__isnull=True) | Q(tier__in=[1, 2, 3]),
                name="%(app_label)s_%(class)s_tier_valid",
            ),
            models.UniqueConstraint(
                fields=["county_line"],
                condition=Q(is_current=True, county_line__isnull=False),
                name="%(app_label)s_%(class)s_one_current_per_line",
            ),
            models.UniqueConstraint(
                fields=["ocg"],
                condition=Q(is_current=True, ocg__isnull=False),
                name="%(app_label)s_%(class)s_one_current_per_ocg",
            ),
        ]
        indexes = [
            models.Index(fields=["county_line", "-computed_at"]),
            models.Index(fields=["ocg", "-computed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.ocg or self.county_line}: {self.total} ({self.matrix_version})"


class Ranking(models.Model):
    """The current rank of a subject within one partition (a division, or FORCE for OCGs)."""

    subject_type = models.CharField(max_length=16, choices=RankedSubject.choices())
    ocg, county_line = subject_keys("rankings")
    partition = models.CharField(max_length=16, help_text="Division code, or FORCE")
    division = models.ForeignKey(
        "org.Division", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Each force ranks its own: FORCE is one ranking per force, so the rank is unique per force.
    force = models.ForeignKey("org.Force", on_delete=models.CASCADE, related_name="+")
    score = models.ForeignKey(Score, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveIntegerField()
    top30 = models.BooleanField()
    total = models.PositiveIntegerField()
    flexed = models.BooleanField(default=False)
    ranked_at = models.DateTimeField(auto_now=True)

    objects = MatrixQuerySet.as_manager()

    class Meta:
        ordering = ["subject_type", "partition", "rank"]
        constraints = [
            models.CheckConstraint(
                condition=EXACTLY_ONE_SUBJECT, name="%(app_label)s_%(class)s_one_subject"
            ),
            models.CheckConstraint(
                condition=Q(rank__gte=1), name="%(app_label)s_%(class)s_rank_positive"
            ),
            models.CheckConstraint(
                condition=Q(top30=Q(rank__lte=30)),
                name="%(app_label)s_%(class)s_top30_matches_rank",
            ),
            models.UniqueConstraint(
                fields=["subject_type", "force", "partition", "rank"],
                name="%(app_label)s_%(class)s_unique_rank_per_force",
            ),
            models.UniqueConstraint(
                fields=["partition", "county_line"],
                condition=Q(county_line__isnull=False),
                name="%(app_label)s_%(class)s_line_once_per_partition",
            ),
            models.UniqueConstraint(
                fields=["partition", "ocg"],
                condition=Q(ocg__isnull=False),
                name="%(app_label)s_%(class)s_ocg_once_per_partition",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partition} #{self.rank}: {self.ocg or self.county_line}"


def factor_levels(breakdown: list[dict]) -> dict[str, list[int]]:
    """A score's breakdown as RankHistory keeps it: factor code -> [level, points]."""
    return {entry["factor"]: [entry["level"], entry["points"]] for entry in breakdown}


class RankHistory(models.Model):
    """Each subject's rank at the end of each day, for 'movement since last week', with its score
    by factor, for 'why it moved' between two month-ends."""

    on = models.DateField()
    subject_type = models.CharField(max_length=16, choices=RankedSubject.choices())
    ocg, county_line = subject_keys("+")
    partition = models.CharField(max_length=16)
    rank = models.PositiveIntegerField()
    total = models.PositiveIntegerField()
    factors = models.JSONField(
        default=dict,
        help_text="The day's score by factor: code -> [level, points] (the monthly matrix says "
        "which factor moved a line in or out of the top 30)",
    )

    objects = MatrixQuerySet.as_manager()

    class Meta:
        ordering = ["-on", "subject_type", "partition", "rank"]
        verbose_name_plural = "rank history"
        constraints = [
            models.CheckConstraint(
                condition=EXACTLY_ONE_SUBJECT, name="%(app_label)s_%(class)s_one_subject"
            ),
            models.UniqueConstraint(
                fields=["on", "partition", "county_line"],
                condition=Q(county_line__isnull=False),
                name="%(app_label)s_%(class)s_line_once_per_day",
            ),
            models.UniqueConstraint(
                fields=["on", "partition", "ocg"],
                condition=Q(ocg__isnull=False),
                name="%(app_label)s_%(class)s_ocg_once_per_day",
            ),
        ]
        indexes = [
            models.Index(fields=["on", "subject_type", "partition"]),
            # The dashboard's movement column: the shown lines' and OCGs' ranks of one day, read
            # without the other days of their history (a year of it is 365 rows a subject).
            models.Index(fields=["county_line", "on"], name="rankhistory_line_day"),
            models.Index(fields=["ocg", "on"], name="rankhistory_ocg_day"),
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.partition} #{self.rank}"


class ForceSnapshotQuerySet(ScopedQuerySet):
    force_path = "force"

    def scope(self, access: Access):
        if access.role in (Role.AUDITOR, Role.ADMINISTRATOR):
            return self.none()
        return self.all()


class ForceSnapshot(models.Model):
    """A force's totals at the end of one day, for trend charts."""

    force = models.ForeignKey("org.Force", on_delete=models.PROTECT, related_name="+")
    on = models.DateField()
    active_lines = models.PositiveIntegerField()
    total_trh = models.PositiveIntegerField()
    mapped_ocgs = models.PositiveIntegerField(help_text="Mapped or adopted, i.e. scored")
    ocgs_by_status = models.JSONField(default=dict)
    ocgs_by_team = models.JSONField(default=dict, help_text="Managing team kind -> count")
    ocgs_on_division = models.PositiveIntegerField(default=0)
    ocgs_with_scd = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    objects = ForceSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-on"]
        constraints = [
            models.UniqueConstraint(
                fields=["force", "on"], name="%(app_label)s_%(class)s_once_per_force_per_day"
            ),
        ]
        indexes = [
            # The dashboard's trend charts (two years of a force's days) read from the index
            # alone, in date order: the unique (force, on) left a heap fetch per day and a sort.
            models.Index(
                fields=["force", "on"],
                include=["active_lines", "total_trh", "mapped_ocgs"],
                name="snapshot_force_trend",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.on}: {self.active_lines} lines, TRH {self.total_trh}"
