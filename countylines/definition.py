"""Which criteria of its definition a county line does not yet meet: activation refuses a line
with gaps, and the pages and the API list them. Provided by kentsoc.intel (see ocg.definition)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from kentsoc.web.hooks import Hook
from ocg.definition import Gap

# gaps(line) -> [Gap], in the definition's order (DOMAIN.md).
gaps: Hook[[Any], list[Gap]] = Hook("countylines.definition_gaps")

# prefetch() -> [Prefetch]: what a list of lines prefetches so `gaps` costs no query per row.
prefetch: Hook[[], list[Prefetch]] = Hook("countylines.definition_prefetch")

# annotate(queryset) -> queryset: instead of `prefetch`, for a list that reads its other related
# rows as values: what `gaps` reads annotated on each row, no query of its own.
annotate: Hook[[QuerySet], QuerySet] = Hook("countylines.definition_annotate")
