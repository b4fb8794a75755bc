from django.db import models

from ocg.choices import CustodyStatus


class CustodyEventKind(models.TextChoices):
    REMANDED = "remanded", "Remanded in custody"
    SENTENCED = "sentenced", "Sentenced: in prison"
    RELEASED_ON_LICENCE = "released_on_licence", "Released on licence"
    RELEASED = "released", "Released (no licence)"
    LICENCE_ENDED = "licence_ended", "Licence ended"


class PeriodStatus(models.TextChoices):
    REMANDED = "remanded", "Remanded"
    IN_PRISON = "in_prison", "In prison"
    ON_LICENCE = "on_licence", "On licence"
    ENDED = "ended", "Ended"


# The person's custody status while a period is in each status. Which event may follow which
# status is the transition table in kentsoc/lifetime/transitions.py.
PERIOD_TO_CUSTODY_STATUS = {
    PeriodStatus.REMANDED: CustodyStatus.REMANDED,
    PeriodStatus.IN_PRISON: CustodyStatus.IN_PRISON,
    PeriodStatus.ON_LICENCE: CustodyStatus.ON_LICENCE,
    PeriodStatus.ENDED: CustodyStatus.AT_LIBERTY,
}
IN_CUSTODY = frozenset({PeriodStatus.REMANDED, PeriodStatus.IN_PRISON})


class ConditionKind(models.TextChoices):
    PRISON = "prison", "Prison conditions"
    LICENCE = "licence", "Licence conditions"


class Partner(models.TextChoices):
    PRISON_PROBATION = "prison_probation", "Prison and Probation"
    HMRC = "hmrc", "HMRC"
    IMMIGRATION = "immigration", "Immigration Enforcement"
    SFO = "sfo", "Serious Fraud Office"
    MET = "met", "Metropolitan Police"
    BTP = "btp", "British Transport Police"
    COUNCIL = "council", "Council"
    MCET = "mcet", "MCET"
    CHILDRENS_SERVICES = "childrens_services", "Children's services"
    NONE = "none", "None (police only)"


class ScpoStatus(models.TextChoices):
    APPLIED = "applied", "Applied for"
    MADE = "made", "Made"
    EXPIRED = "expired", "Expired"


class Audience(models.TextChoices):
    LROS = "lros", "LROs"
    PROBATIONERS = "probationers", "Probationers"
    DETECTIVES = "detectives", "Detectives"
    PARTNERS = "partners", "Partners"


class AttentionKind(models.TextChoices):
    RELEASE = "release", "Release due"
    SCPO_EXPIRY = "scpo_expiry", "SCPO expiry"


# Days before a release or expiry at which it needs attention, largest first.
ATTENTION_THRESHOLDS = (90, 30, 7)
SCPO_MAX_MONTHS = 60
SCPO_MIN_AGE = 18
