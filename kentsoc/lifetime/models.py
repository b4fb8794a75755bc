"""Lifetime management of OCG members: custody periods and their events, prison and licence
conditions, SCPOs (with variations and breaches), LRO training and "needs attention" items.

Visibility follows the nominal: whoever may see the person (coordinators and force-wide readers;
LROs only their OCGs' members) may see their lifetime records; other roles see none."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from kentsoc.audit.models import VersionedRecord
from kentsoc.lifetime.choices import (
    ATTENTION_THRESHOLDS,
    SCPO_MAX_MONTHS,
    AttentionKind,
    Audience,
    ConditionKind,
    CustodyEventKind,
    Partner,
    PeriodStatus,
    ScpoStatus,
)
from kentsoc.org.choices import Role
from kentsoc.org.scoping import Access, ScopedQuerySet
from ocg.models import Nominal


def _valid(field: str, choices: type[models.TextChoices], rule: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": choices.values}), name=f"%(app_label)s_%(class)s_{rule}"
    )


def _not_blank(field: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=~Q(**{f"{field}__regex": r"^\s*$"}),
        name=f"%(app_label)s_%(class)s_{field}_not_blank",
    )


def _in_order(early: str, late: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{early}__isnull": True})
        | Q(**{f"{late}__isnull": True})
        | Q(**{f"{late}__gte": F(early)}),
        name=f"%(app_label)s_%(class)s_{late}_after_{early}",
    )


class LifetimeQuerySet(ScopedQuerySet):
    """Scoped through the nominal the record is about (`nominal_path`)."""

    nominal_path = "nominal"

    @property
    def force_path(self) -> str:  # type: ignore[override]
        return f"{self.nominal_path}__force"

    def scope(self, access: Access):
        if access.force_wide or access.has_role(Role.COORDINATOR):
            return self.all()
        if access.role == Role.LRO:
            return self.filter(
                **{f"{self.nominal_path}__in": Nominal.objects.scope(access).values("pk")}
            )
        return self.none()


class PeriodEventQuerySet(LifetimeQuerySet):
    nominal_path = "period__nominal"


class ScpoChildQuerySet(LifetimeQuerySet):
    nominal_path = "scpo__nominal"


class TrainingQuerySet(ScopedQuerySet):
    force_path = "force"

    def scope(self, access: Access):
        if access.force_wide or access.has_role(Role.COORDINATOR, Role.LRO):
            return self.all()
        return self.none()


class AttentionQuerySet(ScopedQuerySet):
    force_path = "nominal__force"

    def scope(self, access: Access):
        # Each person's list is their own.
        return self.filter(user_id=access.user_id)


class CustodyPeriod(VersionedRecord):
    """One spell in custody and on licence, from remand or sentence to release or licence end.
    A person's periods never overlap."""

    nominal = models.ForeignKey(
        "ocg.Nominal", on_delete=models.PROTECT, related_name="custody_periods"
    )
    status = models.CharField(max_length=12, choices=PeriodStatus.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    establishment = models.CharField("Prison establishment", max_length=120, blank=True)
    sentence_date = models.DateField(null=True, blank=True)
    expected_release_date = models.DateField(null=True, blank=True)
    released_on = models.DateField(null=True, blank=True)
    licence_end_date = models.DateField(
        null=True, blank=True, help_text="Expected, until the licence ends"
    )
    # Required here: a custody period or an SCPO always names the officer who recorded it.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = LifetimeQuerySet.as_manager()

    class Meta:
        ordering = ["nominal", "-started_on", "-id"]
        permissions = [
            ("manage_lifetime", "Can record custody, conditions and SCPOs"),
            ("view_lifetime", "Can see lifetime management records and lists"),
        ]
        indexes = [
            models.Index(fields=["status", "expected_release_date"]),
            models.Index(fields=["nominal", "started_on"]),
        ]
        constraints = [
            _valid("status", PeriodStatus, "status_valid"),
            _in_order("started_on", "sentence_date"),
            _in_order("sentence_date", "expected_release_date"),
            _in_order("started_on", "expected_release_date"),
            _in_order("sentence_date", "released_on"),
            _in_order("started_on", "released_on"),
            _in_order("released_on", "licence_end_date"),
            _in_order("expected_release_date", "licence_end_date"),
            _in_order("started_on", "ended_on"),
            models.CheckConstraint(
                condition=Q(status=PeriodStatus.ENDED, ended_on__isnull=False)
                | (~Q(status=PeriodStatus.ENDED) & Q(ended_on__isnull=True)),
                name="%(app_label)s_%(class)s_ended_has_date",
            ),
            models.UniqueConstraint(
                fields=["nominal"],
                condition=Q(ended_on__isnull=True),
                name="%(app_label)s_%(class)s_one_open_per_nominal",
            ),
        ]

    def __str__(self) -> str:
        return f"Custody of {self.nominal} from {self.started_on:%-d %b %Y}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class CustodyEvent(models.Model):
    """The custody timeline: each change of status with the date it took effect."""

    period = models.ForeignKey(CustodyPeriod, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=CustodyEventKind.choices)
    on_date = models.DateField("Date")
    establishment = models.CharField("Prison establishment", max_length=120, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = PeriodEventQuerySet.as_manager()

    class Meta:
        ordering = ["period", "on_date", "id"]
        constraints = [_valid("kind", CustodyEventKind, "kind_valid")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.on_date:%-d %b %Y}"


class Condition(models.Model):
    """Prison or licence conditions imposed on a person, at a partner's or officer's request."""

    nominal = models.ForeignKey("ocg.Nominal", on_delete=models.PROTECT, related_name="conditions")
    period = models.ForeignKey(
        CustodyPeriod,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conditions",
        help_text="The custody period the conditions belong to",
    )
    kind = models.CharField(max_length=10, choices=ConditionKind.choices)
    text = models.TextField("Conditions")
    imposed_on = models.DateField("Date imposed")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The officer who asked for the conditions",
    )
    partner = models.CharField(max_length=20, choices=Partner.choices)
    disruption = models.OneToOneField(
        "disruptions.Disruption",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lifetime_condition",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LifetimeQuerySet.as_manager()

    class Meta:
        ordering = ["nominal", "-imposed_on", "-id"]
        indexes = [models.Index(fields=["period", "kind"])]
        constraints = [
            _valid("kind", ConditionKind, "kind_valid"),
            _valid("partner", Partner, "partner_valid"),
            _not_blank("text"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.nominal} from {self.imposed_on:%-d %b %Y}"


class Scpo(VersionedRecord):
    """A Serious Crime Prevention Order: applied for, made for up to five years, varied, expired."""

    nominal = models.ForeignKey("ocg.Nominal", on_delete=models.PROTECT, related_name="scpos")
    status = models.CharField(max_length=10, choices=ScpoStatus.choices)
    applied_on = models.DateField()
    court = models.CharField(max_length=120, blank=True)
    made_on = models.DateField(null=True, blank=True)
    duration_months = models.PositiveSmallIntegerField(null=True, blank=True)
    conditions = models.TextField(blank=True)
    expires_on = models.DateField(null=True, blank=True)
    expired_on = models.DateField(null=True, blank=True)
    disruption = models.OneToOneField(
        "disruptions.Disruption",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scpo",
    )
    # Required here: a custody period or an SCPO always names the officer who recorded it.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = LifetimeQuerySet.as_manager()

    class Meta:
        verbose_name = "SCPO"
        verbose_name_plural = "SCPOs"
        ordering = ["nominal", "-applied_on", "-id"]
        indexes = [models.Index(fields=["status", "expires_on"])]
        constraints = [
            _valid("status", ScpoStatus, "status_valid"),
            models.CheckConstraint(
                condition=Q(duration_months__isnull=True)
                | Q(duration_months__gte=1, duration_months__lte=SCPO_MAX_MONTHS),
                name="%(app_label)s_%(class)s_duration_at_most_5_years",
            ),
            models.CheckConstraint(
                condition=Q(status=ScpoStatus.APPLIED)
                | (
                    Q(made_on__isnull=False)
                    & Q(duration_months__isnull=False)
                    & Q(expires_on__isnull=False)
                    & ~Q(court__regex=r"^\s*$")
                    & ~Q(conditions__regex=r"^\s*$")
                ),
                name="%(app_label)s_%(class)s_made_is_complete",
            ),
            models.CheckConstraint(
                condition=~Q(status=ScpoStatus.EXPIRED) | Q(expired_on__isnull=False),
                name="%(app_label)s_%(class)s_expired_has_date",
            ),
            _in_order("applied_on", "made_on"),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("made_on")),
                name="%(app_label)s_%(class)s_expires_after_made",
            ),
            _in_order("made_on", "expired_on"),
        ]

    def __str__(self) -> str:
        return f"SCPO-{self.pk:05d} ({self.nominal})" if self.pk else "SCPO"

    @property
    def reference(self) -> str:
        return f"SCPO-{self.pk:05d}"


class ScpoVariation(models.Model):
    """History of an order's variations: what the court changed, from what, and why."""

    scpo = models.ForeignKey(Scpo, on_delete=models.CASCADE, related_name="variations")
    varied_on = models.DateField()
    previous_conditions = models.TextField()
    conditions = models.TextField()
    previous_duration_months = models.PositiveSmallIntegerField()
    duration_months = models.PositiveSmallIntegerField()
    reason = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ScpoChildQuerySet.as_manager()

    class Meta:
        ordering = ["scpo", "varied_on", "id"]
        constraints = [
            _not_blank("conditions"),
            _not_blank("reason"),
            models.CheckConstraint(
                condition=Q(duration_months__gte=1, duration_months__lte=SCPO_MAX_MONTHS),
                name="%(app_label)s_%(class)s_duration_at_most_5_years",
            ),
        ]

    def __str__(self) -> str:
        return f"Variation of {self.scpo} on {self.varied_on:%-d %b %Y}"


class ScpoBreach(models.Model):
    scpo = models.ForeignKey(Scpo, on_delete=models.PROTECT, related_name="breaches")
    breached_on = models.DateField("Date of breach")
    details = models.TextField(blank=True)
    action_taken = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ScpoChildQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "SCPO breaches"
        ordering = ["-breached_on", "-id"]
        indexes = [models.Index(fields=["breached_on"])]
        constraints = [_not_blank("action_taken")]

    def __str__(self) -> str:
        return f"Breach of {self.scpo} on {self.breached_on:%-d %b %Y}"


class TrainingInput(models.Model):
    # The force that held it: training is the force's, not a division's (what scoping reads).
    force = models.ForeignKey("org.Force", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField("Date")
    location = models.CharField(max_length=160)
    trainer = models.CharField(max_length=160)
    audience = models.CharField(max_length=16, choices=Audience.choices)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TrainingQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            _valid("audience", Audience, "audience_valid"),
            _not_blank("location"),
            _not_blank("trainer"),
        ]

    def __str__(self) -> str:
        return f"{self.get_audience_display()} training, {self.location}, {self.held_on:%-d %b %Y}"


class TrainingAttendance(models.Model):
    training = models.ForeignKey(
        TrainingInput, on_delete=models.CASCADE, related_name="attendances"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_attendances"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["training", "officer__last_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "officer"], name="%(app_label)s_%(class)s_once_per_officer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.officer} at {self.training}"


class PartnerAttendance(models.Model):
    training = models.ForeignKey(
        TrainingInput, on_delete=models.CASCADE, related_name="partner_attendances"
    )
    organisation = models.CharField(max_length=160)
    headcount = models.PositiveIntegerField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["training", "organisation"]
        constraints = [
            _not_blank("organisation"),
            models.CheckConstraint(
                condition=Q(headcount__gte=1), name="%(app_label)s_%(class)s_headcount_positive"
            ),
            models.UniqueConstraint(
                fields=["training", "organisation"],
                name="%(app_label)s_%(class)s_once_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ×{self.headcount} at {self.training}"


class AttentionItem(models.Model):
    """A release or SCPO expiry that has crossed a 90/30/7-day mark, on one person's list.
    Written by the daily task; unique per (user, subject, due date, threshold) so reruns add
    nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attention_items"
    )
    kind = models.CharField(max_length=12, choices=AttentionKind.choices)
    nominal = models.ForeignKey("ocg.Nominal", on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(
        CustodyPeriod, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    scpo = models.ForeignKey(
        Scpo, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField()
    threshold_days = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)

    objects = AttentionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["user", "dismissed_at", "due_on"])]
        constraints = [
            _valid("kind", AttentionKind, "kind_valid"),
            models.CheckConstraint(
                condition=Q(threshold_days__in=ATTENTION_THRESHOLDS),
                name="%(app_label)s_%(class)s_threshold_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind=AttentionKind.RELEASE, period__isnull=False, scpo__isnull=True)
                | Q(kind=AttentionKind.SCPO_EXPIRY, scpo__isnull=False, period__isnull=True),
                name="%(app_label)s_%(class)s_subject_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["user", "period", "due_on", "threshold_days"],
                condition=Q(kind=AttentionKind.RELEASE),
                name="%(app_label)s_%(class)s_release_once",
            ),
            models.UniqueConstraint(
                fields=["user", "scpo", "due_on", "threshold_days"],
                condition=Q(kind=AttentionKind.SCPO_EXPIRY),
                name="%(app_label)s_%(class)s_scpo_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.nominal} on {self.due_on:%-d %b %Y}"
