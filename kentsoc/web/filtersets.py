"""The FilterSet base of the lists (pages and API): django-filter's, built for less on each request.

django-filter deep-copies every filter of the class for each FilterSet (querysets, choices and
widgets included), builds a new form class from new fields, and the form deep-copies those fields
again: for a list of eight filters about four thousand Python calls a request (issue 18), the
same work every time. Here:

- each request's filters are shallow copies with their own `extra` (what django-filter writes
  per request: `model`, `parent`, a method filter's binding, a model choice's queryset);
- the form class is built once per FilterSet class from the class's own filters, and used while
  a request's filters carry the class's field settings (a FilterSet that changes a filter's
  `extra` in its `__init__`, or a filter whose queryset is worked out from the request, has its
  form built per request, as before);
- the form's fields are still deep-copied per form, sharing only the choice lists, which
  nothing changes in place (a field's choices are replaced, never edited).
"""

from __future__ import annotations

import copy
from typing import Any

import django_filters
from django import forms
from django_filters.fields import ChoiceIterator
from django_filters.filters import FilterMethod


class _Filters(dict):
    """A FilterSet class's filters, copied per request without copying what they hold."""

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        copies = {}
        for name, base in self.items():
            clone = copy.copy(base)
            clone.extra = base.extra.copy()
            # A method filter is bound to its filter (its `filter` is FilterMethod(filter)),
            # which finds the method on the filter's parent, this request's FilterSet.
            if isinstance(base.__dict__.get("filter"), FilterMethod):
                clone.filter = FilterMethod(clone)
            copies[name] = clone
        return copies


def _choice_lists(fields: dict[str, forms.Field]) -> list[Any]:
    """The lists of choices the fields hold (through django-filter's ChoiceIterator or not)."""
    found = []
    for field in fields.values():
        choices = field.__dict__.get("_choices")
        if isinstance(choices, ChoiceIterator):
            choices = choices.choices
        if isinstance(choices, list | tuple):
            found.append(choices)
    return found


class _Fields(dict):
    """A form class's fields, deep-copied per form but for their choice lists."""

    def __init__(self, fields: dict[str, forms.Field]) -> None:
        super().__init__(fields)
        self.shared = {id(choices): choices for choices in _choice_lists(fields)}

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, Any]:
        memo.update(self.shared)
        return {name: copy.deepcopy(field, memo) for name, field in self.items()}


class ListFilterSet(django_filters.FilterSet):
    @classmethod
    def get_filters(cls) -> dict[str, Any]:
        return _Filters(super().get_filters())

    def get_form_class(self) -> type[forms.Form]:
        cls = type(self)
        if not self._as_declared():
            return _lighter(super().get_form_class())
        built = cls.__dict__.get("_form_classes")
        if built is None:
            built = {}
            cls._form_classes = built  # type: ignore[attr-defined]
        model = self.queryset.model
        form_class = built.get(model)
        if form_class is None:
            form_class = built[model] = _lighter(_form_class(cls, model))
        return form_class

    def _as_declared(self) -> bool:
        """Whether this request's filters carry the class's own settings: none changed by the
        FilterSet's `__init__`, none worked out from the request."""
        base = type(self).base_filters
        if not isinstance(base, _Filters) or base.keys() != self.filters.keys():
            return False
        return not any(
            callable(getattr(filter_, "queryset", None)) or filter_.extra != base[name].extra
            for name, filter_ in self.filters.items()
        )


def _form_class(cls: type[ListFilterSet], model: Any) -> type[forms.Form]:
    """The form class of the FilterSet class's own filters, which no request has touched."""
    filters = copy.deepcopy(dict(cls.base_filters))
    for filter_ in filters.values():
        filter_.model = model
    fields = {name: filter_.field for name, filter_ in filters.items()}
    return type(f"{cls.__name__}Form", (cls._meta.form,), fields)


def _lighter(form_class: type[forms.Form]) -> type[forms.Form]:
    if not isinstance(form_class.base_fields, _Fields):
        form_class.base_fields = _Fields(form_class.base_fields)
    return form_class
