import json
from typing import Any

from django import template

register = template.Library()


@register.filter
def as_json(value: Any) -> str:
    """Stored changes as the JSON they are (the CSV and the API show the same text)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


BRIEF_IDS = 20


@register.filter
def as_brief_json(value: Any) -> str:
    """As `as_json`, with a long list of ids (a page of 500 rows read) cut to its first BRIEF_IDS
    and a note of how many more: the page stays readable; the CSV, JSON and API keep them all."""

    def brief(item: Any) -> Any:
        if isinstance(item, list) and len(item) > BRIEF_IDS:
            return [*item[:BRIEF_IDS], f"… {len(item) - BRIEF_IDS} more"]
        if isinstance(item, dict):
            return {key: brief(inner) for key, inner in item.items()}
        return item

    return as_json(brief(value))
