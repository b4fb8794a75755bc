"""`{% load people %}`: figures as people read them (kentsoc/web/people.py has the rules).

{{ d.date|day }}            1 Dec 2026
{{ event.at|moment }}       1 Dec 2026, 14:05
{{ days|number }}           1,257
{{ d.cash_seized|money }}   £8,450.50 / £300,720
{{ weapons|count:"row" }}   1 row / 2 rows   ({{ n|count:"person,people" }})
"""

from __future__ import annotations

from typing import Any

from django import template

from kentsoc.web import people

register = template.Library()

register.filter("day", people.day)
register.filter("moment", people.moment)
register.filter("number", people.number)
register.filter("money", people.money)


@register.filter("count")
def count(value: Any, words: str) -> str:
    return people.count(value, words)
