from django.conf import settings
from django.db import models
from django.db.models import Q

from countylines.models import EXACTLY_ONE_SUBJECT, subject_keys
from kentsoc.audit.models import ReviewedRecord
from kentsoc.intel.choices import (
    CountyLineCriterion,
    HandlingCode,
    IntelligenceAssessment,
    OcgCriterion,
    SourceEvaluation,
)
from kentsoc.org.choices import Role
from kentsoc.org.scoping import Access, ScopedQuerySet
from kentsoc.trh.choices import UNSCORABLE_ASSESSMENTS, UNSCORABLE_SOURCES


class IntelligenceRecordQuerySet(ScopedQuerySet):
    force_path = "force"
    # A share lends the records chosen for it (kentsoc.sharing), to the receiving force's readers
    # of intelligence, while their handling code permits sharing; a record another force added
    # to a lent line or OCG is the subject's owner's to read too.
    share_paths = ("shares",)
    share_roles = frozenset(
        {Role.SUPERVISOR, Role.ANALYST, Role.CLGT_OFFICER, Role.COORDINATOR, Role.RESEARCHER}
    )
    contribution_paths = ("county_lines__division__force", "ocgs__division__force")

    def lendable_q(self) -> Q:
        return Q(handling_code=HandlingCode.PERMITTED, deleted_at__isnull=True)

    def scope(self, access: Access):
        if access.force_wide or access.has_role(
            Role.COORDINATOR, Role.RESEARCHER, Role.CLGT_OFFICER
        ):
            return self.all()
        if access.role == Role.LRO:
            return self.filter(
                Q(ocgs__lead_responsible_officer_id=access.user_id)
                | Q(ocgs__managing_team_id=access.team_id)
            ).distinct()
        return self.none()

    def scorable(self):
        return (
            self.filter(deleted_at__isnull=True)
            .exclude(source_evaluation__in=UNSCORABLE_SOURCES)
            .exclude(intelligence_assessment__in=UNSCORABLE_ASSESSMENTS)
        )


class IntelligenceRecord(ReviewedRecord):
    reference = models.CharField(max_length=20, unique=True, null=True, blank=True)
    rms_reference = models.CharField(
        max_length=40, blank=True, help_text="Force records system number, e.g. an Athena number"
    )
    information_date = models.DateField(db_index=True)
    summary = models.TextField()
    source_evaluation = models.CharField(max_length=1, choices=SourceEvaluation.choices)
    intelligence_assessment = models.CharField(max_length=1, choices=IntelligenceAssessment.choices)
    handling_code = models.CharField(max_length=1, choices=HandlingCode.choices)
    handling_conditions = models.TextField(blank=True)
    owning_team = models.ForeignKey(
        "org.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The force whose record it is (the recording officer's): the owning team may be empty and
    # the subjects many, so scoping (kentsoc.org.scoping) reads the force here.
    force = models.ForeignKey("org.Force", on_delete=models.PROTECT, related_name="+")
    ocgs = models.ManyToManyField("ocg.OCG", related_name="intelligence_records", blank=True)
    county_lines = models.ManyToManyField(
        "countylines.CountyLine", related_name="intelligence_records", blank=True
    )
    nominals = models.ManyToManyField(
        "ocg.Nominal", related_name="intelligence_records", blank=True
    )
    # Gangs are subjects of intelligence but not of the matrix: a record on a gang alone claims
    # no factor and makes no score stale.
    gangs = models.ManyToManyField("gangs.Gang", related_name="intelligence_records", blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_reason = models.TextField(blank=True)

    objects = IntelligenceRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-information_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source_evaluation__in=SourceEvaluation.values),
                name="%(app_label)s_%(class)s_source_valid",
            ),
            models.CheckConstraint(
                condition=Q(intelligence_assessment__in=IntelligenceAssessment.values),
                name="%(app_label)s_%(class)s_assessment_valid",
            ),
            models.CheckConstraint(
                condition=Q(handling_code__in=HandlingCode.values),
                name="%(app_label)s_%(class)s_handling_valid",
            ),
            models.CheckConstraint(
                condition=~Q(handling_code=HandlingCode.CONDITIONS) | ~Q(handling_conditions=""),
                name="%(app_label)s_%(class)s_conditions_for_code_c",
            ),
            models.CheckConstraint(
                condition=~Q(summary=""), name="%(app_label)s_%(class)s_summary_required"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.grading})"

    @property
    def grading(self) -> str:
        return f"{self.source_evaluation}{self.intelligence_assessment}{self.handling_code}"

    @property
    def is_scorable(self) -> bool:
        return (
            self.deleted_at is None
            and self.source_evaluation not in UNSCORABLE_SOURCES
            and self.intelligence_assessment not in UNSCORABLE_ASSESSMENTS
        )


class FactorClaim(models.Model):
    """A record says: this factor is present at this level for the record's subjects."""

    record = models.ForeignKey(
        IntelligenceRecord, on_delete=models.CASCADE, related_name="factor_claims"
    )
    factor = models.CharField(max_length=40)
    level = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["record", "factor"]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "factor"], name="%(app_label)s_%(class)s_one_level_per_factor"
            ),
            models.CheckConstraint(
                condition=Q(level__lte=3), name="%(app_label)s_%(class)s_level_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.factor}={self.level}"


class DefinitionEvidence(models.Model):
    """Evidence that a subject meets one criterion of its definition gate."""

    ocg, county_line = subject_keys("evidence")
    criterion = models.CharField(max_length=40)
    text = models.TextField()
    records = models.ManyToManyField(IntelligenceRecord, related_name="evidence", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["criterion", "created_at", "id"]
        verbose_name_plural = "definition evidence"
        # Evidence is development work on its subject, so it belongs to the role that owns that
        # kind of subject (DOMAIN.md roles): one permission per kind, granted in org/roles.py.
        permissions = [
            ("add_ocg_evidence", "Can record and withdraw definition evidence on OCGs"),
            ("add_line_evidence", "Can record and withdraw definition evidence on county lines"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=EXACTLY_ONE_SUBJECT,
                name="%(app_label)s_%(class)s_exactly_one_subject",
            ),
            models.CheckConstraint(
                condition=(Q(ocg__isnull=False) & Q(criterion__in=OcgCriterion.values))
                | (Q(county_line__isnull=False) & Q(criterion__in=CountyLineCriterion.values)),
                name="%(app_label)s_%(class)s_criterion_valid",
            ),
            models.CheckConstraint(
                condition=~Q(text=""), name="%(app_label)s_%(class)s_text_required"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.text[:40]}"
