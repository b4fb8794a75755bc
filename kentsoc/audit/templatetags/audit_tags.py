import json
from typing import Any

from django import template

register = template.Library()


@register.filter
def as_json(value: Any) -> str:
    """Stored changes as the JSON they are (the CSV and the API show the same text)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)
