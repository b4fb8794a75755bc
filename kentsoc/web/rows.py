"""A page of an API list written from its rows with the serializer's own fields, without DRF's
per-row, per-field machinery (a serializer instance per nested row, `get_attribute` walking
each source, a related field per id): for a list of 50 that was most of its Python time.

The keys, their order and each value's format are the child serializer's: a plain field's
value is its `to_representation` of the row's attribute, a foreign key its id, a method field
its method. What the rows do not hold (many-to-many ids, nested rows) `related` reads for the
whole page, a query per relation, keyed by row id. Writes and single records keep the child
serializer.

The child's fields are built once per serializer class, not per request (DRF copies the
declared fields and builds each model field for every serializer instance: two thousand Python
calls a page). So a field the page writes itself must not read the request: a method field is
the exception, its method is asked of this request's child.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model
from rest_framework import serializers
from rest_framework.relations import PrimaryKeyRelatedField

Reader = Callable[[Any], Any]


def _field_reader(field: serializers.Field, child: serializers.Serializer) -> Reader:
    if isinstance(field, serializers.SerializerMethodField):
        return getattr(child, field.method_name)
    if isinstance(field, serializers.BaseSerializer):
        raise TypeError(f"{field.field_name}: a nested serializer's rows come from `related`")
    if isinstance(field, PrimaryKeyRelatedField):
        # What DRF's pk-only optimisation reads: the foreign key's column, no related row.
        *path, last = field.source_attrs
        attname = f"{last}_id"

        def read_fk(row: Any) -> Any:
            for step in path:
                row = getattr(row, step)
            return getattr(row, attname)

        return read_fk
    if isinstance(field, serializers.DateTimeField) and not hasattr(field, "timezone"):
        # The request's time zone, as DRF reads it for each value (a context-local read, a
        # dozen Python calls), read once for the page's, on a copy: the class's field is
        # every request's.
        field = copy.copy(field)
        field.timezone = field.default_timezone()
    source = field.source_attrs
    represent = field.to_representation
    if len(source) == 1:
        (attr,) = source

        def read(row: Any) -> Any:
            value = getattr(row, attr)
            return None if value is None else represent(value)

        return read

    *path, last = source

    def read_path(row: Any) -> Any:
        # The rows' related rows by getattr (DRF's walk is twenty calls a value); whatever else
        # the walk meets (a null or missing relation, a dict, a callable) is left to DRF.
        value = row
        try:
            for step in path:
                value = getattr(value, step)
                if not isinstance(value, Model):
                    break
            else:
                value = getattr(value, last)
                if not callable(value):
                    return None if value is None else represent(value)
        except (ObjectDoesNotExist, AttributeError, KeyError):
            pass
        value = field.get_attribute(row)
        return None if value is None else represent(value)

    return read_path


# The readable fields of each child serializer class, built by an instance without context.
_class_fields: dict[type[serializers.Serializer], dict[str, serializers.Field]] = {}


def class_fields(child_class: type[serializers.Serializer]) -> dict[str, serializers.Field]:
    """{name: field} of the class's readable fields, in their order, built once per class."""
    fields = _class_fields.get(child_class)
    if fields is None:
        fields = _class_fields[child_class] = {
            field.field_name: field for field in child_class()._readable_fields
        }
    return fields


class PlainRowsListSerializer(serializers.ListSerializer):
    """Subclass with `related(rows)`: {field name: {row id: value}} for the child's fields the
    rows do not hold themselves, and `finish` if the child changes its fields' data. The
    child's fields are `child_fields` (built once per class), not `self.child.fields`."""

    @property
    def child_fields(self) -> dict[str, serializers.Field]:
        return class_fields(type(self.child))

    def related(self, rows: list[Any]) -> dict[str, dict[Any, Any]]:
        return {}

    def finish(self, item: dict[str, Any]) -> dict[str, Any]:
        """What the child's to_representation does to a row's data after its fields."""
        return item

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        rows = list(data)
        given = self.related(rows)
        readers = [
            (name, given[name].__getitem__, None)
            if name in given
            else (name, None, _field_reader(field, self.child))
            for name, field in self.child_fields.items()
        ]
        page = []
        for row in rows:
            pk = row.pk
            item = {}
            for name, lookup, read in readers:
                item[name] = lookup(pk) if lookup is not None else read(row)
            page.append(self.finish(item))
        return page


def nested_rows(
    field: serializers.ListSerializer, queryset: Any, parent: str, ids: list[Any]
) -> dict[Any, list[dict[str, Any]]]:
    """A nested `many=True` serializer's rows for a page of parents (`parent`: the rows' foreign
    key column, e.g. "disruption_id"), read as values in one query in the queryset's order and
    written with that serializer's fields."""
    columns = [(f.field_name, f.source, f.to_representation) for f in field.child._readable_fields]
    found: dict[Any, list[dict[str, Any]]] = {pk: [] for pk in ids}
    values = queryset.filter(**{f"{parent}__in": ids}).values(parent, *(c[1] for c in columns))
    for row in values:
        found[row[parent]].append(
            {name: None if row[src] is None else rep(row[src]) for name, src, rep in columns}
        )
    return found
