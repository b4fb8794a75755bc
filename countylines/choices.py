from django.db import models


class LineStatus(models.TextChoices):
    NOMINATED = "nominated", "Nominated"
    ACTIVE = "active", "Active (on the matrix)"
    DISMANTLED = "dismantled", "Dismantled"
    REJECTED = "rejected", "Rejected"


class LineRole(models.TextChoices):
    LINE_HOLDER = "line_holder", "Line holder"
    CONTROLLER = "controller", "Controller"
    RUNNER = "runner", "Runner"
    USER_OF_ADDRESS = "user_of_address", "User of address"


class PersonKind(models.TextChoices):
    CHILD = "child", "Child"
    VULNERABLE_ADULT = "vulnerable_adult", "Vulnerable adult"


class AgeBand(models.TextChoices):
    UNDER_12 = "under_12", "Under 12"
    AGE_12_14 = "12_14", "12–14"
    AGE_15_17 = "15_17", "15–17"
    AGE_18_24 = "18_24", "18–24"
    AGE_25_39 = "25_39", "25–39"
    AGE_40_PLUS = "40_plus", "40 and over"


CHILD_AGE_BANDS = frozenset({AgeBand.UNDER_12, AgeBand.AGE_12_14, AgeBand.AGE_15_17})


class EngagementStatus(models.TextChoices):
    NOT_YET_CONTACTED = "not_yet_contacted", "Not yet contacted"
    ENGAGING = "engaging", "Engaging"
    PARTIALLY_ENGAGING = "partially_engaging", "Partially engaging"
    NOT_ENGAGING = "not_engaging", "Not engaging"
    CLOSED = "closed", "Closed"


class MetThrough(models.TextChoices):
    """How a CLIO came to know a person at risk: through a county line, or through prevention
    work (a school or setting, a street group) before any line is known."""

    LINE = "line", "Through a county line"
    SCHOOL = "school", "At a school or setting"
    STREET_GROUP = "street_group", "Through a street group or gang"


class ReferralAgency(models.TextChoices):
    MCET = "mcet", "MCET (Missing Child & Exploitation Team)"
    CHILDRENS_SERVICES = "childrens_services", "Children's services"
    PARTNER = "partner", "Partner agency"
