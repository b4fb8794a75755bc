"""What is known and done about gangs, from the apps above (intel, disruptions): hooks they
provide from their AppConfig.ready() (kentsoc.web.hooks), so the gang list can order by recent
activity while gangs never import those apps.

Gangs are not scored on the matrix (DOMAIN.md "Gangs"): recent intelligence and disruptions are
how the list puts the gangs that need attention first.
"""

from __future__ import annotations

from django.db.models import QuerySet

from kentsoc.web.hooks import Hook

# with_intelligence(queryset, user, counts=True): the gangs annotated `last_intelligence_on` (the
# newest information date of a record on the gang the user may see, deleted records left out;
# None if none) and, unless `counts=False`, `intelligence_count`, each one subquery, so a list
# costs the same whatever its length. Each subquery carries the user's scope, whose plan is most
# of the query's cost: a panel that shows the dates alone asks for no counts.
with_intelligence: Hook[..., QuerySet] = Hook("gangs.with_intelligence")

# with_disruptions(queryset, user, counts=True): `last_disruption_on` and `disruption_count` the
# same way, of the disruptions against the gang the user may see.
with_disruptions: Hook[..., QuerySet] = Hook("gangs.with_disruptions")
