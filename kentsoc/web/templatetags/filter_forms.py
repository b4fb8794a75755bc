"""A list page's filter form, each field drawn as includes/field.html draws it.

A field nobody has filtered by, whose label, choices and widget are fixed in code (a text box, a
date pair, a picker with nothing chosen, a list of TextChoices), draws the same HTML for every
officer and every request: it is drawn once per process and kept. A list whose choices are read
when drawn (teams, divisions, a force's operations, the kinds of record the trail holds) is read
on every request, as before, and drawn once per process for each set of choices read: the HTML is
kept under the choices themselves, so an officer whose force or scope reads other choices gets
their own. A field with an initial value, or with anything in the request's parameters or errors,
is drawn on every request. Drawing the form field by field through Django's widget templates was
a fifth of a list page's Python calls (issue 18); drawing the selects of teams and divisions was
most of what was left of it.
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.template.loader import get_template
from django.utils.choices import CallableChoiceIterator
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django_filters.fields import ModelChoiceIterator

register = template.Library()

FIELD_TEMPLATE = "includes/field.html"

# (FilterSet class, field name, language[, the choices read]) -> the field's HTML when unfiltered.
_drawn: dict[tuple[Any, ...], SafeString] = {}
# Forces x scopes x lists: a worker process sees a few hundred sets of choices at most.
MAX_DRAWN = 2048


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


def _unfiltered(form: forms.Form, field: forms.BoundField) -> bool:
    """Whether the field has no initial value and nothing of it in the request or its errors."""
    if field.field.initial is not None or field.name in form.initial:
        return False
    # Any parameter of this field (a range's _after/_before, a picker's _find text).
    return not form.is_bound or not (
        field.name in form.errors or any(key.startswith(field.html_name) for key in form.data)
    )


def _fixed(field: forms.BoundField) -> bool:
    """Whether the field's choices (if any) are fixed in code rather than read when drawn."""
    definition = field.field
    if isinstance(definition, forms.ModelChoiceField):
        return False
    widgets = [definition.widget, *getattr(definition.widget, "widgets", ())]
    return not any(_has_own_choices(obj) for obj in [definition, *widgets])


def _hashable(choices: Any) -> tuple[Any, ...]:
    """Choices as text, groups and all: a model choice's value is an object that writes as its
    id, and a label may be a lazy translation."""
    return tuple(
        (str(value), _hashable(label) if isinstance(label, list | tuple) else str(label))
        for value, label in choices
    )


def _read_choices(field: forms.BoundField) -> tuple[Any, ...] | None:
    """The choices of a single select read once, left on its widget for the drawing (a model
    choice reads its queryset each time it is iterated); None for any other widget."""
    widget = field.field.widget
    if getattr(widget, "widgets", None) or not hasattr(widget, "choices"):
        return None
    widget.choices = _listed(widget.choices)
    return _hashable(widget.choices)


# The iterators of model choices whose order (the empty choice, django-filter's null choice, then
# a choice per row) `_listed` writes out; any other iterates itself.
_MODEL_ITERATORS = (forms.models.ModelChoiceIterator, ModelChoiceIterator)


def _listed(choices: Any) -> list[Any]:
    """The choices as a list. A model choice's rows are read in one fetch: iterating its
    iterator reads them through `QuerySet.iterator()`, a server-side cursor on PostgreSQL
    (declared, fetched from twice and closed: hundreds of Python calls a select)."""
    if type(choices) not in _MODEL_ITERATORS:
        # Through iter(): list() would ask a model choice's len() first, a COUNT query of its own.
        return list(iter(choices))
    field = choices.field
    listed = []
    if field.empty_label is not None:
        listed.append(("", field.empty_label))
    if getattr(field, "null_label", None) is not None:
        listed.append((field.null_value, field.null_label))
    listed.extend(choices.choice(row) for row in choices.queryset)
    return listed


def _kept(key: tuple[Any, ...], draw: Any) -> SafeString:
    html = _drawn.get(key)
    if html is None:
        if len(_drawn) >= MAX_DRAWN:
            _drawn.clear()
        html = _drawn[key] = mark_safe(draw())  # noqa: S308 (a template's output)
    return html


@register.simple_tag
def filter_fields(filterset: Any, only: str = "", skip: str = "") -> SafeString:
    """The fields of the filterset's form: every one, or `only` that one, or all but `skip`."""
    form = filterset.form
    names = [only] if only else [name for name in form.fields if name != skip]
    drawing = get_template(FIELD_TEMPLATE)
    parts = []
    for name in names:
        field = form[name]

        def draw(field: forms.BoundField = field) -> str:
            return drawing.render({"field": field})

        key = (type(filterset), name, get_language())
        if not _unfiltered(form, field):
            parts.append(draw())
        elif _fixed(field):
            parts.append(_kept(key, draw))
        else:
            choices = _read_choices(field)
            parts.append(draw() if choices is None else _kept((*key, choices), draw))
    return mark_safe("".join(parts))  # noqa: S308 (each part is a template's output)
