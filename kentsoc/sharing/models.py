"""A share: one force lends a county line or an OCG it owns (and chosen intelligence on it) to
another force for a while. What a live share lends is decided in kentsoc.org.scoping."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from countylines.models import EXACTLY_ONE_SUBJECT, subject_keys
from kentsoc.dates import today
from kentsoc.org.choices import Role
from kentsoc.org.scoping import Access, ScopedQuerySet
from kentsoc.sharing.choices import ShareAccess, ShareState


class ShareQuerySet(ScopedQuerySet):
    # A share belongs to the force that owns its subject; the receiving force sees it too.
    force_path = "owner_force"

    def force_q(self, access: Access) -> Q:
        return Q(owner_force_id=access.force_id) | Q(receiving_force_id=access.force_id)

    def scope(self, access: Access):
        # Shares are the supervisors' business: they request, approve, refuse and revoke them.
        if access.role == Role.SUPERVISOR:
            return self.all()
        return self.none()

    def live(self):
        """Approved, not revoked, and today within its dates."""
        day = today()
        return self.filter(state=ShareState.APPROVED, starts_on__lte=day, ends_on__gte=day)


class Share(models.Model):
    ocg, county_line = subject_keys("shares")
    owner_force = models.ForeignKey("org.Force", on_delete=models.PROTECT, related_name="+")
    receiving_force = models.ForeignKey(
        "org.Force", on_delete=models.PROTECT, related_name="shares_received"
    )
    access = models.CharField(max_length=12, choices=ShareAccess.choices, default=ShareAccess.READ)
    records = models.ManyToManyField("intel.IntelligenceRecord", related_name="shares", blank=True)
    reason = models.TextField(help_text="Why the other force needs it.")
    state = models.CharField(
        max_length=12, choices=ShareState.choices, default=ShareState.REQUESTED
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.TextField(blank=True)

    objects = ShareQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        permissions = [("approve_share", "Can approve, refuse and revoke shares of own records")]
        constraints = [
            models.CheckConstraint(
                condition=EXACTLY_ONE_SUBJECT, name="%(app_label)s_%(class)s_exactly_one_subject"
            ),
            models.CheckConstraint(
                condition=~Q(owner_force=F("receiving_force")),
                name="%(app_label)s_%(class)s_other_force",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="%(app_label)s_%(class)s_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(state__in=ShareState.values), name="%(app_label)s_%(class)s_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(access__in=ShareAccess.values),
                name="%(app_label)s_%(class)s_access_valid",
            ),
            models.CheckConstraint(
                condition=Q(state=ShareState.REQUESTED) | Q(decided_by__isnull=False),
                name="%(app_label)s_%(class)s_decided_by_someone",
            ),
            models.CheckConstraint(
                condition=~Q(state=ShareState.REVOKED) | Q(revoked_at__isnull=False),
                name="%(app_label)s_%(class)s_revoked_when",
            ),
            # One open request for a subject and a force at a time.
            models.UniqueConstraint(
                fields=["county_line", "receiving_force"],
                condition=Q(state=ShareState.REQUESTED, county_line__isnull=False),
                name="%(app_label)s_%(class)s_one_open_line_request",
            ),
            models.UniqueConstraint(
                fields=["ocg", "receiving_force"],
                condition=Q(state=ShareState.REQUESTED, ocg__isnull=False),
                name="%(app_label)s_%(class)s_one_open_ocg_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.receiving_force}"

    @property
    def subject(self):
        return self.ocg if self.ocg_id else self.county_line

    @property
    def subject_kind(self) -> str:
        return "ocg" if self.ocg_id else "county_line"

    @property
    def is_live(self) -> bool:
        return self.state == ShareState.APPROVED and self.starts_on <= today() <= self.ends_on

    @property
    def status_label(self) -> str:
        """The state as officers read it: an approved share past its end has expired, one not
        yet started is approved from its start."""
        if self.state == ShareState.APPROVED:
            if self.ends_on < today():
                return "Expired"
            if self.starts_on > today():
                return "Approved (not started)"
            return "Live"
        return self.get_state_display()
