"""A list page's filter form, each field drawn as includes/field.html draws it.

A field nobody has filtered by, whose label, choices and widget are fixed in code (a text box, a
date pair, a picker with nothing chosen, a list of TextChoices), draws the same HTML for every
officer and every request: it is drawn once per process and kept. A field read from the database
(teams, divisions, a force's operations, the kinds of record the trail holds), with an initial
value, or with anything in the request's parameters or errors is drawn on every request as before.
Drawing the form field by field through Django's widget templates was a fifth of a list page's
Python calls (issue 18).
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.template.loader import get_template
from django.utils.choices import CallableChoiceIterator
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

FIELD_TEMPLATE = "includes/field.html"

# (FilterSet class, field name, language) -> the field's HTML when unfiltered.
_drawn: dict[tuple[type, str, str | None], SafeString] = {}


def _worked_out(choices: Any) -> bool:
    """Choices worked out when drawn (a function, a queryset), seen through django-filter's
    ChoiceIterator, which keeps the choices it was given as `.choices`."""
    if callable(choices) or isinstance(
        choices, CallableChoiceIterator | forms.models.ModelChoiceIterator
    ):
        return True
    inner = getattr(choices, "choices", None)
    return inner is not None and inner is not choices and _worked_out(inner)


def _has_own_choices(obj: Any) -> bool:
    return any(_worked_out(getattr(obj, name, None)) for name in ("_choices", "choices"))


def _fixed(form: forms.Form, field: forms.BoundField) -> bool:
    """Whether the field draws the same HTML for anyone who has not filtered by it."""
    definition = field.field
    if isinstance(definition, forms.ModelChoiceField):
        return False
    widgets = [definition.widget, *getattr(definition.widget, "widgets", ())]
    if any(_has_own_choices(obj) for obj in [definition, *widgets]):
        return False
    if definition.initial is not None or field.name in form.initial:
        return False
    # Any parameter of this field (a range's _after/_before, a picker's _find text).
    return not form.is_bound or not (
        field.name in form.errors or any(key.startswith(field.html_name) for key in form.data)
    )


@register.simple_tag
def filter_fields(filterset: Any, only: str = "", skip: str = "") -> SafeString:
    """The fields of the filterset's form: every one, or `only` that one, or all but `skip`."""
    form = filterset.form
    names = [only] if only else [name for name in form.fields if name != skip]
    drawing = get_template(FIELD_TEMPLATE)
    parts = []
    for name in names:
        field = form[name]
        if not _fixed(form, field):
            parts.append(drawing.render({"field": field}))
            continue
        key = (type(filterset), name, get_language())
        html = _drawn.get(key)
        if html is None:
            html = _drawn[key] = mark_safe(drawing.render({"field": field}))  # noqa: S308 (a template's output)
        parts.append(html)
    return mark_safe("".join(parts))  # noqa: S308 (each part is a template's output)
