from django.conf import settings
from django.db import models
from django.db.models import F, Q

from countylines.models import CountyLine
from disruptions.choices import (
    CourtOutcome,
    DisruptionStatus,
    DrugClass,
    DrugUnit,
    ImpactGrade,
    NonCustodialKind,
    Strand,
    Tactic,
    WarrantPower,
    WeaponKind,
)
from kentsoc.audit.models import VersionedRecord
from kentsoc.gangs.models import Gang
from kentsoc.org.choices import Role
from kentsoc.org.scoping import Access, ScopedQuerySet, access_for
from ocg.models import OCG, Nominal

# The outcome counts of a disruption, in the order the log form and the detail page show them.
COUNT_FIELDS = (
    "arrests",
    "prisoners_dealt_with",
    "warrants_executed",
    "charges",
    "handsets",
    "sim_cards",
    "vehicles",
    "safeguarding_referrals",
)


def format_sentence(total_months: int) -> str:
    """`106yrs 10 months`, `1yr 2 months`: months past 11 carry into years."""
    years, months = divmod(int(total_months), 12)
    return f"{years}{'yr' if years == 1 else 'yrs'} {months} {'month' if months == 1 else 'months'}"


# The roles that see a disruption they logged, or an approved one on a subject they may see.
_CASE_ROLES = (Role.COORDINATOR, Role.RESEARCHER, Role.LRO, Role.CLGT_OFFICER, Role.CLIO)


def _mine(access: Access) -> Q:
    """The disruptions the officer logged or is the officer of (drafts and returned ones too)."""
    return Q(created_by_id=access.user_id) | Q(officer_id=access.user_id)


class DisruptionQuerySet(ScopedQuerySet):
    force_path = "force"
    # Approved disruptions on a lent line or OCG (kentsoc.sharing) are read with it; one another
    # force logged against a subject it was lent is the subject's owner's to read too.
    share_paths = ("county_lines__shares", "ocgs__shares")
    share_roles = frozenset(
        {
            Role.SUPERVISOR,
            Role.ANALYST,
            Role.CLGT_OFFICER,
            Role.CLIO,
            Role.COORDINATOR,
            Role.RESEARCHER,
        }
    )
    contribution_paths = ("county_lines__division__force", "ocgs__division__force")

    def lendable_q(self) -> Q:
        return Q(status=DisruptionStatus.APPROVED)

    def scope(self, access: Access):
        if access.force_wide:
            return self.all()
        if not access.has_role(*_CASE_ROLES):
            return self.none()
        # Authors see everything they logged (drafts, returned ones with the reason); anyone else
        # in a case role sees an approved disruption when they may see one of its subjects.
        model = self.model
        on_visible_subject = (
            Q(
                pk__in=model.ocgs.through.objects.filter(
                    ocg_id__in=OCG.objects.scope(access).values("pk")
                ).values("disruption_id")
            )
            | Q(
                pk__in=model.county_lines.through.objects.filter(
                    countyline_id__in=CountyLine.objects.scope(access).values("pk")
                ).values("disruption_id")
            )
            | Q(
                pk__in=model.nominals.through.objects.filter(
                    nominal_id__in=Nominal.objects.scope(access).values("pk")
                ).values("disruption_id")
            )
            | Q(
                pk__in=model.gangs.through.objects.filter(
                    gang_id__in=Gang.objects.scope(access).values("pk")
                ).values("disruption_id")
            )
        )
        return self.filter(
            _mine(access) | (Q(status=DisruptionStatus.APPROVED) & on_visible_subject)
        )

    def visible_on_visible_gangs(self, user) -> "DisruptionQuerySet":
        """Of the disruptions against gangs the user may see (the caller keeps to those), the
        ones `visible_to(user)` gives: `scope` less its test of the subjects, which a visible
        gang passes (Gang.objects.scope is one of its four), and whose subqueries were most of
        the cost of planning the gang lists' and home panel's query."""
        access = access_for(user)
        if access is None:
            return self.none()
        rows = self.filter(self.force_q(access))
        if access.force_wide:
            return rows
        if not access.has_role(*_CASE_ROLES):
            return self.none()
        return rows.filter(_mine(access) | Q(status=DisruptionStatus.APPROVED))


class OperationQuerySet(ScopedQuerySet):
    force_path = "force"

    def scope(self, access: Access):
        if access.force_wide or access.has_role(
            Role.COORDINATOR, Role.RESEARCHER, Role.LRO, Role.CLGT_OFFICER, Role.CLIO
        ):
            return self.all()
        return self.none()


class CourtResultQuerySet(ScopedQuerySet):
    force_path = "disruption__force"

    def scope(self, access: Access):
        # A court result is seen with the disruption that led to it, and only by those who may
        # see the person it is about: a disruption names several people, and a reader who sees
        # it through its OCG or line may not see them all (an LRO, the members of their OCGs).
        return self.filter(
            disruption__in=Disruption.objects.scope(access).values("pk"),
            nominal__in=Nominal.objects.scope(access).values("pk"),
        )


class Operation(VersionedRecord):
    name = models.CharField(max_length=160)
    # The force that runs the operation (its teams may be none yet): what scoping reads.
    force = models.ForeignKey("org.Force", on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField()
    end_date = models.DateField()
    teams = models.ManyToManyField("org.Team", related_name="operations", blank=True)
    description = models.TextField(blank=True)

    objects = OperationQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="%(app_label)s_%(class)s_dates_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(name=""), name="%(app_label)s_%(class)s_name_not_blank"
            ),
            # Per force: a name another force chose neither blocks nor reveals anything.
            models.UniqueConstraint(
                fields=["force", "name"], name="%(app_label)s_%(class)s_name_once_per_force"
            ),
        ]

    def __str__(self) -> str:
        return self.name


def _choice(field: str, choices: type[models.TextChoices], name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}), name=f"%(app_label)s_%(class)s_{name}"
    )


def reference_of(pk: int | None) -> str:
    """A disruption's reference from its id (a list that holds only the id names it too)."""
    return f"D-{pk:06d}" if pk else "D-new"


class Disruption(VersionedRecord):
    date = models.DateField()
    team = models.ForeignKey("org.Team", on_delete=models.PROTECT, related_name="disruptions")
    # The logging team's force, kept beside it (save() sets it) so one force's list reads its
    # own rows from an index instead of joining every force's disruptions to their teams.
    force = models.ForeignKey(
        "org.Force", on_delete=models.PROTECT, related_name="+", editable=False
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disruptions"
    )
    ocgs = models.ManyToManyField("ocg.OCG", related_name="disruptions", blank=True)
    # Whether an OCG is among its subjects, written by the services with the OCG links: the
    # dashboard's "against OCGs" figure then reads a force's six months from an index alone
    # instead of probing the links of every disruption in them.
    against_ocg = models.BooleanField(default=False, editable=False)
    county_lines = models.ManyToManyField(
        "countylines.CountyLine", related_name="disruptions", blank=True
    )
    nominals = models.ManyToManyField("ocg.Nominal", related_name="disruptions", blank=True)
    gangs = models.ManyToManyField("gangs.Gang", related_name="disruptions", blank=True)
    operation = models.ForeignKey(
        Operation, on_delete=models.PROTECT, null=True, blank=True, related_name="disruptions"
    )
    strand = models.CharField("4P strand", max_length=10, choices=Strand.choices)
    tactic = models.CharField(max_length=24, choices=Tactic.choices)
    narrative = models.TextField(blank=True)
    impact_grade = models.CharField(max_length=10, choices=ImpactGrade.choices)
    impact_rationale = models.TextField()
    arrests = models.IntegerField(default=0)
    prisoners_dealt_with = models.IntegerField(default=0)
    warrants_executed = models.IntegerField(default=0)
    warrant_power = models.CharField(
        "Warrant power", max_length=8, choices=WarrantPower.choices, blank=True
    )
    charges = models.IntegerField(default=0)
    handsets = models.IntegerField(default=0)
    sim_cards = models.IntegerField("SIM cards", default=0)
    vehicles = models.IntegerField(default=0)
    safeguarding_referrals = models.IntegerField(default=0)
    cash_seized = models.DecimalField("Cash seized (£)", max_digits=12, decimal_places=2, default=0)
    status = models.CharField(
        max_length=10, choices=DisruptionStatus.choices, default=DisruptionStatus.DRAFT
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)
    # Required here: a disruption always names the officer who logged it.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = DisruptionQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        permissions = [("approve_disruption", "Can approve or return submitted disruptions")]
        indexes = [
            # Covers the supervisors' dashboard: approved disruptions by date and impact grade
            # (and their ids, for the OCG links) read from the index alone. It serves the
            # (status, date) lookups too.
            models.Index(
                fields=["status", "date", "impact_grade"],
                include=["id"],
                name="disruption_status_date_grade",
            ),
            models.Index(fields=["team", "date"]),
            # A force's lists, newest first (the default ordering), a page at a time.
            models.Index(fields=["force", "-date", "-id"], name="disruption_force_date"),
            # The dashboard's six-month figures (approved, by day and grade, and how many against
            # an OCG) and its approval-queue count read one force's rows from the index alone:
            # (status, date, grade) spans every force, and (force, date) left a heap fetch per row.
            models.Index(
                fields=["force", "status", "date"],
                include=["impact_grade", "id", "against_ocg"],
                name="disruption_force_status_date",
            ),
            # The supervisors' approval queue count (dashboard): a force's submitted disruptions
            # not their own, from this small index alone.
            models.Index(
                fields=["force"],
                include=["created_by", "officer"],
                condition=Q(status=DisruptionStatus.SUBMITTED),
                name="disruption_force_submitted",
            ),
            # The dashboard's last approved disruption of each ranked line: a force's few
            # thousand links checked from the index alone, not a scan of the country's rows.
            models.Index(
                fields=["id"], include=["status", "date"], name="disruption_id_status_date"
            ),
        ]
        constraints = [
            _choice("strand", Strand, "strand_valid"),
            _choice("tactic", Tactic, "tactic_valid"),
            _choice("impact_grade", ImpactGrade, "impact_grade_valid"),
            _choice("status", DisruptionStatus, "status_valid"),
            models.CheckConstraint(
                condition=Q(warrant_power="") | Q(warrant_power__in=WarrantPower.values),
                name="%(app_label)s_%(class)s_warrant_power_valid",
            ),
            models.CheckConstraint(
                condition=~Q(impact_rationale__regex=r"^\s*$"),
                name="%(app_label)s_%(class)s_rationale_not_blank",
            ),
            models.CheckConstraint(
                condition=Q(**{f"{f}__gte": 0 for f in COUNT_FIELDS}) & Q(cash_seized__gte=0),
                name="%(app_label)s_%(class)s_counts_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(status=DisruptionStatus.APPROVED)
                | (Q(approved_by__isnull=False) & Q(approved_at__isnull=False)),
                name="%(app_label)s_%(class)s_approved_has_approver",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("created_by")),
                name="%(app_label)s_%(class)s_not_approved_by_author",
            ),
            models.CheckConstraint(
                condition=~Q(status=DisruptionStatus.RETURNED) | ~Q(return_reason=""),
                name="%(app_label)s_%(class)s_returned_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_tactic_display()} on {self.date:%-d %b %Y}"

    def save(self, *args, **kwargs) -> None:
        # The team's force, whoever saves (services, the demo, factories): a team never moves
        # force, and the related descriptor reads the team unscoped (its base manager).
        self.force_id = self.team.force_id
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "team" in update_fields:
            kwargs["update_fields"] = {*update_fields, "force"}
        super().save(*args, **kwargs)

    @property
    def reference(self) -> str:
        return reference_of(self.pk)


class WeaponSeizure(models.Model):
    disruption = models.ForeignKey(Disruption, on_delete=models.CASCADE, related_name="weapons")
    kind = models.CharField(max_length=20, choices=WeaponKind.choices)
    count = models.IntegerField(default=1)

    class Meta:
        ordering = ["id"]
        constraints = [
            _choice("kind", WeaponKind, "kind_valid"),
            models.CheckConstraint(
                condition=Q(count__gte=1), name="%(app_label)s_%(class)s_count_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.count} × {self.get_kind_display()}"


class DrugSeizure(models.Model):
    disruption = models.ForeignKey(Disruption, on_delete=models.CASCADE, related_name="drugs")
    drug_class = models.CharField(max_length=1, choices=DrugClass.choices)
    drug = models.CharField(max_length=80, help_text="e.g. crack cocaine, heroin, cannabis")
    amount = models.DecimalField(max_digits=12, decimal_places=3)
    unit = models.CharField(max_length=8, choices=DrugUnit.choices)
    estimated_value = models.DecimalField(
        "Estimated value (£)", max_digits=12, decimal_places=2, default=0
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            _choice("drug_class", DrugClass, "class_valid"),
            _choice("unit", DrugUnit, "unit_valid"),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="%(app_label)s_%(class)s_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(estimated_value__gte=0),
                name="%(app_label)s_%(class)s_value_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"Class {self.drug_class} {self.drug}: {self.amount:g} {self.unit}"


class CourtResult(models.Model):
    """A court's decision about one nominal, linked to the disruption that led to it."""

    disruption = models.ForeignKey(
        Disruption, on_delete=models.PROTECT, related_name="court_results"
    )
    nominal = models.ForeignKey(
        "ocg.Nominal", on_delete=models.PROTECT, related_name="court_results"
    )
    # The court that decided, as the force reports it ("Maidstone Crown Court"); blank only on
    # results recorded before the court was asked for.
    court = models.CharField(max_length=120, blank=True)
    offences = models.TextField()
    outcome = models.CharField(max_length=16, choices=CourtOutcome.choices)
    sentence_years = models.IntegerField(default=0)
    sentence_months = models.IntegerField(default=0)
    non_custodial_kind = models.CharField(
        max_length=24, choices=NonCustodialKind.choices, blank=True
    )
    result_date = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CourtResultQuerySet.as_manager()

    class Meta:
        ordering = ["-result_date", "-id"]
        constraints = [
            _choice("outcome", CourtOutcome, "outcome_valid"),
            models.CheckConstraint(
                condition=Q(sentence_years__gte=0),
                name="%(app_label)s_%(class)s_years_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(sentence_months__gte=0) & Q(sentence_months__lte=11),
                name="%(app_label)s_%(class)s_months_0_to_11",
            ),
            models.CheckConstraint(
                condition=~Q(offences=""), name="%(app_label)s_%(class)s_offences_not_blank"
            ),
            # A custodial outcome has a term; any other outcome has none.
            models.CheckConstraint(
                condition=(
                    Q(outcome=CourtOutcome.CUSTODIAL)
                    & (Q(sentence_years__gt=0) | Q(sentence_months__gt=0))
                )
                | (~Q(outcome=CourtOutcome.CUSTODIAL) & Q(sentence_years=0) & Q(sentence_months=0)),
                name="%(app_label)s_%(class)s_term_only_if_custodial",
            ),
            models.CheckConstraint(
                condition=(
                    Q(outcome=CourtOutcome.NON_CUSTODIAL)
                    & Q(non_custodial_kind__in=NonCustodialKind.values)
                )
                | (~Q(outcome=CourtOutcome.NON_CUSTODIAL) & Q(non_custodial_kind="")),
                name="%(app_label)s_%(class)s_kind_only_if_non_custodial",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nominal}: {self.sentence_display}"

    @property
    def sentence_display(self) -> str:
        if self.outcome == CourtOutcome.CUSTODIAL:
            return format_sentence(self.sentence_years * 12 + self.sentence_months)
        if self.outcome == CourtOutcome.NON_CUSTODIAL:
            return self.get_non_custodial_kind_display()
        return self.get_outcome_display()
