"""`{% load intel_words %}`: intelligence as people read it (factor claims, definition criteria)."""

from __future__ import annotations

from django import template

from kentsoc.intel.choices import CountyLineCriterion, OcgCriterion
from kentsoc.intel.models import DefinitionEvidence, IntelligenceRecord
from kentsoc.intel.tables import claims_in_words

register = template.Library()


@register.filter
def claims(record: IntelligenceRecord) -> list[str]:
    """ "Child exploitation: 2 — confirmed" for each claim, from the factor tables of the
    record's subjects (prefetched by the list, so no query)."""
    return claims_in_words(record)


@register.filter
def criterion(item: DefinitionEvidence) -> str:
    """The criterion of a piece of definition evidence in words, not its stored code."""
    choices = OcgCriterion if item.ocg_id else CountyLineCriterion
    return str(dict(choices.choices).get(item.criterion, item.criterion))
