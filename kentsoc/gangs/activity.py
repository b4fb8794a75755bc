"""What is known and done about gangs, from the apps above (intel, disruptions): hooks they
provide from their AppConfig.ready() (kentsoc.web.hooks), so the gang list can order by recent
activity while gangs never import those apps.

Gangs are not scored on the matrix (DOMAIN.md "Gangs"): recent intelligence and disruptions are
how the list puts the gangs that need attention first.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kentsoc.web.hooks import Hook

# with_intelligence(queryset, user): the gangs annotated `last_intelligence_on` (the newest
# information date of a record on the gang the user may see, deleted records left out; None if
# none) and `intelligence_count`, each one subquery, so a list costs the same whatever its length.
with_intelligence: Hook[[QuerySet, Any], QuerySet] = Hook("gangs.with_intelligence")

# with_disruptions(queryset, user): `last_disruption_on` and `disruption_count` the same way, of
# the disruptions against the gang the user may see.
with_disruptions: Hook[[QuerySet, Any], QuerySet] = Hook("gangs.with_disruptions")
