from django.db import models

from kentsoc.org import scoping


class ShareState(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = scoping.SHARE_APPROVED, "Approved"
    REFUSED = "refused", "Refused"
    REVOKED = "revoked", "Revoked"


class ShareAccess(models.TextChoices):
    READ = scoping.READ, "Read-only"
    CONTRIBUTE = scoping.CONTRIBUTE, "Read and add intelligence and disruptions"


# A share lasts 90 days unless the request says otherwise, and never more than a year: the owner
# reviews it at least that often.
DEFAULT_DAYS = 90
MAX_DAYS = 365
