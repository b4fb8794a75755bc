"""Prevention work CLIOs do before anyone is known to be exploited: sessions in schools and
work with street groups. The figures are counts, never a child's name: the people met this way
who are at risk are recorded in safeguarding (countylines.PersonAtRisk), with no line if none is
known yet."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from kentsoc.audit.models import VersionedRecord
from kentsoc.org.choices import Role
from kentsoc.org.scoping import Access, ScopedQuerySet


def prevention_q(access: Access, prefix: str = "") -> Q | None:
    """Whose prevention work a user may see: None for none, an empty Q for all.

    CLIOs see their own division's work; a CLIO with no division (the CLIO coordinator, who
    leads the CLIOs of every division) sees every division's. Supervisors and analysts, who
    review and count the force's work, see it all. Nobody else reads it.
    """
    if access.force_wide:
        return Q()
    if access.role != Role.CLIO:
        return None
    if access.division_id is None:
        return Q()
    return Q(**{f"{prefix}division_id": access.division_id})


class PreventionQuerySet(ScopedQuerySet):
    force_path = "division__force"

    def scope(self, access: Access):
        visible = prevention_q(access)
        return self.none() if visible is None else self.filter(visible)


class SchoolSession(VersionedRecord):
    """A session a CLIO gave at a school or college: who heard it and what it was about."""

    school = models.CharField(max_length=160, help_text="The school, college or setting")
    held_on = models.DateField()
    audience = models.PositiveIntegerField(help_text="How many young people attended")
    topic = models.CharField(max_length=160)
    division = models.ForeignKey(
        "org.Division", on_delete=models.PROTECT, related_name="school_sessions"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="school_sessions",
        help_text="The CLIO who gave the session",
    )
    notes = models.TextField(blank=True)

    objects = PreventionQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["division", "held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(audience__gt=0), name="%(app_label)s_%(class)s_audience_positive"
            ),
            models.CheckConstraint(
                condition=~Q(school__regex=r"^\s*$"), name="%(app_label)s_%(class)s_school_named"
            ),
            models.CheckConstraint(
                condition=~Q(topic__regex=r"^\s*$"), name="%(app_label)s_%(class)s_topic_named"
            ),
        ]

    def __str__(self) -> str:
        return f"School session at {self.school} on {self.held_on:%d %b %Y}"


class StreetGroupIntervention(VersionedRecord):
    """Work a CLIO did with a street group or gang: how many young people engaged and how many
    were referred on (to MCET, children's services or a partner)."""

    gang = models.ForeignKey(
        "gangs.Gang",
        on_delete=models.PROTECT,
        related_name="interventions",
        help_text="The street group or gang worked with",
    )
    held_on = models.DateField()
    young_people_engaged = models.PositiveIntegerField()
    referrals_made = models.PositiveIntegerField(default=0)
    outcome = models.TextField(blank=True, help_text="What came of it; notes")
    division = models.ForeignKey(
        "org.Division", on_delete=models.PROTECT, related_name="street_group_interventions"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="street_group_interventions",
        help_text="The CLIO who led the intervention",
    )

    objects = PreventionQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["division", "held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(young_people_engaged__gt=0),
                name="%(app_label)s_%(class)s_someone_engaged",
            ),
            # A referral is of a young person who was engaged.
            models.CheckConstraint(
                condition=Q(referrals_made__lte=models.F("young_people_engaged")),
                name="%(app_label)s_%(class)s_referrals_within_engaged",
            ),
        ]

    def __str__(self) -> str:
        return f"Street-group intervention on {self.held_on:%d %b %Y}"
