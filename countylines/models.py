from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Concat, Substr

from countylines.choices import (
    CHILD_AGE_BANDS,
    AgeBand,
    EngagementStatus,
    LineRole,
    LineStatus,
    MetThrough,
    PersonKind,
    ReferralAgency,
)
from kentsoc.audit.models import ReviewedRecord
from kentsoc.org.choices import Role, TeamKind
from kentsoc.org.scoping import Access, ScopedQuerySet

# A row about one subject (a score, a ranking, definition evidence) names an OCG or a county line:
# never both, never neither.
EXACTLY_ONE_SUBJECT = (Q(ocg__isnull=False) & Q(county_line__isnull=True)) | (
    Q(ocg__isnull=True) & Q(county_line__isnull=False)
)


def subject_keys(related_name: str) -> tuple[models.ForeignKey, models.ForeignKey]:
    """Such a row's two keys, in this order: `ocg, county_line = subject_keys("scores")`."""
    return (
        models.ForeignKey(
            "ocg.OCG", on_delete=models.CASCADE, null=True, blank=True, related_name=related_name
        ),
        models.ForeignKey(
            "countylines.CountyLine",
            on_delete=models.CASCADE,
            null=True,
            blank=True,
            related_name=related_name,
        ),
    )


class CountyLineQuerySet(ScopedQuerySet):
    force_path = "division__force"
    # A line lent by a share (kentsoc.sharing) is read by the receiving force's line readers.
    share_paths = ("shares",)
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

    def scope(self, access: Access):
        if access.force_wide or access.has_role(
            Role.CLGT_OFFICER, Role.CLIO, Role.COORDINATOR, Role.RESEARCHER
        ):
            return self.all()
        if access.role == Role.LRO:
            return self.filter(
                Q(ocg__lead_responsible_officer_id=access.user_id)
                | Q(ocg__managing_team_id=access.team_id)
            )
        return self.none()

    def with_effective_division(self):
        """`effective_division_id`: where the line ranks — its flex division if flexed."""
        return self.annotate(effective_division_id=Coalesce("flexed_division_id", "division_id"))


class CountyLine(ReviewedRecord):
    reference = models.CharField(max_length=16, unique=True, null=True, blank=True)
    name = models.CharField(max_length=80, help_text='The brand, e.g. "BLAZE"')
    exporting_area = models.CharField(max_length=120, help_text="e.g. a London borough")
    status = models.CharField(
        max_length=16, choices=LineStatus.choices, default=LineStatus.NOMINATED
    )
    districts = models.ManyToManyField(
        "org.District", through="CountyLineDistrict", related_name="county_lines"
    )
    division = models.ForeignKey(
        "org.Division",
        on_delete=models.PROTECT,
        related_name="county_lines",
        help_text="The primary importing district's division (kept in step by the services).",
    )
    ocg = models.ForeignKey(
        "ocg.OCG", on_delete=models.PROTECT, null=True, blank=True, related_name="county_lines"
    )
    flexed_division = models.ForeignKey(
        "org.Division",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="flexed_county_lines",
    )
    flex_reason = models.TextField(blank=True)
    flexed_on = models.DateField(null=True, blank=True)
    nominated_on = models.DateField()
    activated_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True, help_text="Dismantled or rejected")
    closure_reason = models.TextField(blank=True)
    handsets_seized = models.PositiveIntegerField(default=0)
    score_stale_since = models.DateTimeField(null=True, blank=True, db_index=True)
    # The date of the latest approved disruption against the line, kept by the disruption
    # services (disruptions.services.approvals.lines_last_disruption_refresh) whenever a write
    # can change it: the dashboard shows it on every ranked line, and reading it through the
    # links cost more than the rest of the page's queries together at national scale.
    last_approved_disruption_on = models.DateField(null=True, blank=True, editable=False)

    objects = CountyLineQuerySet.as_manager()

    class Meta:
        ordering = ["reference", "id"]
        permissions = [
            ("approve_countyline", "Can approve county lines onto the matrix and flex them")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=LineStatus.values),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(flexed_division__isnull=True) | ~Q(flex_reason=""),
                name="%(app_label)s_%(class)s_flex_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("nominated_on")),
                name="%(app_label)s_%(class)s_closed_after_nominated",
            ),
        ]
        indexes = [
            # The supervisors' "nominations waiting for approval" count (dashboard) reads a
            # force's nominated lines by division, instead of scanning every line in the country.
            models.Index(
                fields=["division"],
                condition=Q(status=LineStatus.NOMINATED),
                name="countyline_nominated",
            ),
            # A force's stale lines, per division (the dashboard's figures), whatever the
            # backlog in other forces.
            models.Index(
                fields=["division", "score_stale_since"],
                condition=Q(score_stale_since__isnull=False),
                name="countyline_stale",
            ),
            # A division's ranking (a worker's re-rank after every rescore) reads the active
            # lines ranking there, by their effective division, instead of scanning every active
            # line in the country (7 ms of its 13 at 45 forces).
            models.Index(
                Coalesce("flexed_division", "division"),
                condition=Q(status=LineStatus.ACTIVE),
                name="countyline_ranked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}" if self.reference else self.name

    @property
    def effective_division_id(self) -> int:
        return self.flexed_division_id or self.division_id

    @effective_division_id.setter
    def effective_division_id(self, value: int) -> None:
        # `with_effective_division()` annotates the same value computed in SQL; the row's own
        # fields already give it, so the annotated copy is not kept.
        pass

    @property
    def is_flexed(self) -> bool:
        return self.flexed_division_id is not None


class CountyLineDistrict(models.Model):
    county_line = models.ForeignKey(
        CountyLine, on_delete=models.CASCADE, related_name="line_districts"
    )
    district = models.ForeignKey("org.District", on_delete=models.PROTECT, related_name="+")
    is_primary = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["county_line", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["county_line", "district"], name="%(app_label)s_%(class)s_unique_district"
            ),
            models.UniqueConstraint(
                fields=["county_line"],
                condition=Q(is_primary=True),
                name="%(app_label)s_%(class)s_one_primary",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county_line} → {self.district}{' (primary)' if self.is_primary else ''}"


class DealLine(models.Model):
    county_line = models.ForeignKey(CountyLine, on_delete=models.CASCADE, related_name="deal_lines")
    number = models.CharField(max_length=16, db_index=True, help_text="Normalised: 07700900123")
    # The same number in E.164 (+447700900123), the form other systems and phones exchange,
    # derived by the database so it can never disagree with `number`.
    e164 = models.GeneratedField(
        expression=Concat(Value("+44"), Substr("number", 2)),
        output_field=models.CharField(max_length=16),
        db_persist=True,
        db_index=True,
    )
    # What the officer typed ("+44 7700 900123"), kept beside the stored forms; blank for
    # numbers recorded before it was kept.
    as_typed = models.CharField(max_length=40, blank=True)
    active_from = models.DateField(null=True, blank=True)
    active_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["county_line", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["county_line", "number"], name="%(app_label)s_%(class)s_unique_per_line"
            ),
            models.CheckConstraint(
                condition=Q(number__regex=r"^07[0-9]{9}$"),
                name="%(app_label)s_%(class)s_uk_mobile",
            ),
            models.CheckConstraint(
                condition=Q(active_to__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_to__gte=F("active_from")),
                name="%(app_label)s_%(class)s_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return f"{self.number[:5]} {self.number[5:]}"


class LineNominal(models.Model):
    county_line = models.ForeignKey(
        CountyLine, on_delete=models.CASCADE, related_name="line_nominals"
    )
    nominal = models.ForeignKey("ocg.Nominal", on_delete=models.PROTECT, related_name="line_links")
    role = models.CharField(max_length=20, choices=LineRole.choices)
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["county_line", "role", "nominal"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=LineRole.values), name="%(app_label)s_%(class)s_role_valid"
            ),
            models.UniqueConstraint(
                fields=["county_line", "nominal", "role"],
                name="%(app_label)s_%(class)s_unique_role",
            ),
            models.CheckConstraint(
                condition=Q(to_date__isnull=True)
                | Q(from_date__isnull=True)
                | Q(to_date__gte=F("from_date")),
                name="%(app_label)s_%(class)s_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nominal} — {self.get_role_display()} on {self.county_line}"


class CountyLineStatusChange(models.Model):
    county_line = models.ForeignKey(
        CountyLine, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=16, choices=LineStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=LineStatus.choices)
    effective_on = models.DateField()
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["county_line", "effective_on", "changed_at", "id"]
        indexes = [models.Index(fields=["county_line", "effective_on"])]

    def __str__(self) -> str:
        moved = f"{self.from_status or '—'} → {self.to_status}"
        return f"{self.county_line}: {moved} on {self.effective_on}"


class FlexPeriod(models.Model):
    """History of flexes, so rankings as of a past date know where a line was worked."""

    county_line = models.ForeignKey(
        CountyLine, on_delete=models.CASCADE, related_name="flex_periods"
    )
    division = models.ForeignKey("org.Division", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["county_line", "started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["county_line"],
                condition=Q(ended_on__isnull=True),
                name="%(app_label)s_%(class)s_one_open_flex",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="%(app_label)s_%(class)s_dates_in_order",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""), name="%(app_label)s_%(class)s_reason_required"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county_line} flexed to {self.division} from {self.started_on}"


def safeguarding_lines_q(access: Access, prefix: str = "") -> Q | None:
    """Which lines' safeguarding records a user may see: None for none, an empty Q for all.

    This is the rule for vulnerable adults (and for the line's safeguarding tab): CLIOs,
    supervisors, the Central CLGT and the CLGT of the division where the line is worked now.
    Analysts, coordinators and LROs, who read most case data, do not see them. Children are
    narrower still: see `child_lines_q`.
    """
    if access.has_role(Role.CLIO, Role.SUPERVISOR):
        return Q()
    if access.role != Role.CLGT_OFFICER:
        return None
    if access.is_central_clgt:
        return Q()
    if access.team_kind != TeamKind.CLGT or access.division_id is None:
        return None
    return Q(**{f"{prefix}flexed_division_id": access.division_id}) | Q(
        **{f"{prefix}flexed_division__isnull": True, f"{prefix}division_id": access.division_id}
    )


def child_lines_q(access: Access, prefix: str = "") -> Q | None:
    """Which lines' children a user may see: None for none.

    DOMAIN.md: children's records are the most restricted data in the system, seen by "CLIOs of
    the division(s) the line is worked in, that line's CLGT and that division's supervisors — not
    every CLIO force-wide". A line is worked in its home division and, while flexed, in the flex
    division too: the home division's CLIOs and supervisors keep the children of their area, and
    the receiving division's join them. The line's CLGT is the one working it: the flex division's
    (or the Central CLGT) while flexed, the home division's otherwise. No role sees them force-wide.
    """
    division_id = access.division_id
    if access.role in (Role.CLIO, Role.SUPERVISOR):
        if division_id is None:
            return None
        return Q(**{f"{prefix}division_id": division_id}) | Q(
            **{f"{prefix}flexed_division_id": division_id}
        )
    if access.role != Role.CLGT_OFFICER:
        return None
    if access.is_central_clgt:
        return Q(**{f"{prefix}flexed_division__is_central": True})
    if access.team_kind != TeamKind.CLGT or division_id is None:
        return None
    return Q(**{f"{prefix}flexed_division_id": division_id}) | Q(
        **{f"{prefix}flexed_division__isnull": True, f"{prefix}division_id": division_id}
    )


def lineless_people_q(access: Access, prefix: str = "") -> Q | None:
    """Which people at risk recorded with no line yet a user may see: None for none.

    Someone met through a school or a street group has no line to be worked in, so the line's
    rule has nothing to go on. The equivalent decided (README, "Need-to-know for children") is the
    division they were met in, the recording CLIO's: that division's CLIOs and supervisors, no
    CLGT until a line is linked, and never every CLIO force-wide. It holds for children and
    vulnerable adults alike: nothing yet says which line's wider rule an adult would follow.
    """
    if access.role not in (Role.CLIO, Role.SUPERVISOR) or access.division_id is None:
        return None
    return Q(**{f"{prefix}county_line__isnull": True, f"{prefix}division_id": access.division_id})


def people_at_risk_q(access: Access, prefix: str = "") -> Q | None:
    """Which people at risk a user may see (None for none): on a line, vulnerable adults by
    `safeguarding_lines_q` and children only by `child_lines_q`; with no line yet, by
    `lineless_people_q`."""
    parts = []
    on_a_line = Q(**{f"{prefix}county_line__isnull": False})
    adults = safeguarding_lines_q(access, prefix=f"{prefix}county_line__")
    if adults is not None:
        parts.append(Q(**{f"{prefix}kind": PersonKind.VULNERABLE_ADULT}) & on_a_line & adults)
    children = child_lines_q(access, prefix=f"{prefix}county_line__")
    if children is not None:
        parts.append(Q(**{f"{prefix}kind": PersonKind.CHILD}) & on_a_line & children)
    lineless = lineless_people_q(access, prefix=prefix)
    if lineless is not None:
        parts.append(lineless)
    if not parts:
        return None
    visible = parts[0]
    for part in parts[1:]:
        visible |= part
    return visible


def _person_force_q(access: Access, prefix: str = "") -> Q:
    # A person's force is their line's, or with no line yet the division's they were met in.
    return Q(**{f"{prefix}county_line__division__force": access.force_id}) | Q(
        **{f"{prefix}county_line__isnull": True, f"{prefix}division__force": access.force_id}
    )


class PersonAtRiskQuerySet(ScopedQuerySet):
    force_path = "county_line__division__force"

    def force_q(self, access: Access) -> Q:
        return _person_force_q(access)

    def scope(self, access: Access):
        visible = people_at_risk_q(access)
        return self.none() if visible is None else self.filter(visible)


class PersonAtRisk(ReviewedRecord):
    """A child or vulnerable adult at risk of exploitation (recorded by CLIOs): by a line, or met
    through a school or a street group before any line is known."""

    county_line = models.ForeignKey(
        CountyLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people_at_risk",
        help_text="Empty while no line is known (met through a school or a street group).",
    )
    division = models.ForeignKey(
        "org.Division",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people_at_risk",
        help_text="Where they were met (the recording CLIO's division): who sees a record with "
        "no line.",
    )
    met_through = models.CharField(
        max_length=20, choices=MetThrough.choices, default=MetThrough.LINE
    )
    street_group = models.CharField(
        max_length=120, blank=True, help_text="The street group or gang they were met through"
    )
    name = models.CharField(max_length=120, help_text="Name or agreed pseudonym")
    kind = models.CharField(max_length=20, choices=PersonKind.choices)
    age_band = models.CharField(max_length=10, choices=AgeBand.choices)
    setting = models.CharField(
        max_length=160, blank=True, help_text="School, college, care setting or other setting"
    )
    engagement_status = models.CharField(
        max_length=20, choices=EngagementStatus.choices, default=EngagementStatus.NOT_YET_CONTACTED
    )
    notes = models.TextField(blank=True)

    objects = PersonAtRiskQuerySet.as_manager()

    class Meta:
        verbose_name = "person at risk"
        verbose_name_plural = "people at risk"
        ordering = ["county_line", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PersonKind.values), name="%(app_label)s_%(class)s_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(engagement_status__in=EngagementStatus.values),
                name="%(app_label)s_%(class)s_engagement_valid",
            ),
            # A child is under 18 and a vulnerable adult 18 or over: the band must agree.
            models.CheckConstraint(
                condition=Q(
                    kind=PersonKind.CHILD, age_band__in=sorted(b.value for b in CHILD_AGE_BANDS)
                )
                | Q(
                    kind=PersonKind.VULNERABLE_ADULT,
                    age_band__in=[b for b in AgeBand.values if b not in CHILD_AGE_BANDS],
                ),
                name="%(app_label)s_%(class)s_age_band_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(met_through__in=MetThrough.values),
                name="%(app_label)s_%(class)s_met_through_valid",
            ),
            # With no line, the record's division is what decides who sees it, and the school or
            # street group is the only context there is.
            models.CheckConstraint(
                condition=Q(county_line__isnull=False)
                | (Q(division__isnull=False) & ~Q(met_through=MetThrough.LINE)),
                name="%(app_label)s_%(class)s_line_or_met_in_division",
            ),
            models.CheckConstraint(
                condition=~Q(met_through=MetThrough.SCHOOL) | ~Q(setting=""),
                name="%(app_label)s_%(class)s_school_named",
            ),
            models.CheckConstraint(
                condition=~Q(met_through=MetThrough.STREET_GROUP) | ~Q(street_group=""),
                name="%(app_label)s_%(class)s_street_group_named",
            ),
        ]

    def __str__(self) -> str:
        # str() is what the audit trail keeps (object_repr), and auditors and supervisors read
        # that trail: it must not carry a child's name. Pages show `name` themselves.
        return f"{self.get_kind_display()} at risk #{self.pk}"

    @property
    def met_where(self) -> str:
        """The school or street group they were met through, for pages ("" for a line)."""
        if self.met_through == MetThrough.SCHOOL:
            return self.setting
        if self.met_through == MetThrough.STREET_GROUP:
            return self.street_group
        return ""


class SafeguardingReferralQuerySet(ScopedQuerySet):
    force_path = "person__county_line__division__force"

    def force_q(self, access: Access) -> Q:
        return _person_force_q(access, prefix="person__")

    def scope(self, access: Access):
        # A referral is seen exactly when its person is.
        visible = people_at_risk_q(access, prefix="person__")
        return self.none() if visible is None else self.filter(visible)


class SafeguardingReferral(models.Model):
    person = models.ForeignKey(PersonAtRisk, on_delete=models.PROTECT, related_name="referrals")
    agency = models.CharField(max_length=20, choices=ReferralAgency.choices)
    partner_name = models.CharField(max_length=120, blank=True)
    referred_on = models.DateField()
    outcome = models.TextField(blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SafeguardingReferralQuerySet.as_manager()

    class Meta:
        ordering = ["person", "-referred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(agency__in=ReferralAgency.values),
                name="%(app_label)s_%(class)s_agency_valid",
            ),
            models.CheckConstraint(
                condition=~Q(agency=ReferralAgency.PARTNER) | ~Q(partner_name=""),
                name="%(app_label)s_%(class)s_partner_named",
            ),
            models.CheckConstraint(
                condition=Q(outcome_on__isnull=True) | Q(outcome_on__gte=F("referred_on")),
                name="%(app_label)s_%(class)s_outcome_after_referral",
            ),
        ]

    def __str__(self) -> str:
        # No name here either (see PersonAtRisk.__str__): the person by id only.
        return f"{self.get_agency_display()} referral of person at risk #{self.person_id}"
