"""`{% load intel_words %}`: an intelligence record's factor claims as people read them."""

from __future__ import annotations

from django import template

from kentsoc.intel.models import IntelligenceRecord
from kentsoc.intel.tables import claims_in_words

register = template.Library()


@register.filter
def claims(record: IntelligenceRecord) -> list[str]:
    """ "Child exploitation: 2 — confirmed" for each claim, from the factor tables of the
    record's subjects (prefetched by the list, so no query)."""
    return claims_in_words(record)
