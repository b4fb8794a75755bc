"""Which criteria of its definition an OCG does not yet meet: asked before it goes on the matrix.

The definition evidence is intelligence, kept by kentsoc.intel, a layer above the subjects. These
hooks (kentsoc/web/hooks.py) are declared here and provided by intel from its AppConfig.ready():
the lifecycle refuses a submission or an approval that still has gaps, and the pages and the API
list them, without ocg importing intel. County lines declare the same two (countylines.definition).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from kentsoc.web.hooks import Hook


@dataclass(frozen=True)
class Gap:
    code: str
    label: str


# gaps(ocg) -> [Gap]: the criteria not yet met, in the definition's order; read from what
# `prefetch` fetched for a list, else from the database.
gaps: Hook[[Any], list[Gap]] = Hook("ocg.definition_gaps")

# prefetch() -> [Prefetch]: what a list of OCGs prefetches so `gaps` costs no query per row.
prefetch: Hook[[], list[Prefetch]] = Hook("ocg.definition_prefetch")

# annotate(queryset) -> queryset: instead of `prefetch`, for a list that reads its other related
# rows as values: what `gaps` reads annotated on each row, no query of its own. Such a list also
# annotates each OCG's count of current members as CURRENT_MEMBERS, which `gaps` then reads.
annotate: Hook[[QuerySet], QuerySet] = Hook("ocg.definition_annotate")
CURRENT_MEMBERS = "current_members"
