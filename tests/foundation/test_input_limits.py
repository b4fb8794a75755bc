"""Every free-text field has a length limit and every date field a sane range, in every form and
API serializer (kentsoc/limits.py). A new field without one fails here, by name."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest
from django import forms
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

from kentsoc.limits import DateRange

ROOT = Path(__file__).resolve().parents[2]
APPS = ["kentsoc", "ocg", "countylines", "disruptions"]


def _modules(leaf: str) -> Iterator[object]:
    for app in APPS:
        for path in sorted((ROOT / app).rglob(f"{leaf}.py")):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            yield importlib.import_module(name)


def _classes(leaf: str, base: type) -> list[type]:
    found = []
    for module in _modules(leaf):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, base) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


def _request_serializers() -> list[type]:
    """The serializers the API reads bodies with, as the schema generator finds them (output-only
    serializers have nothing to bound)."""
    generator = SchemaGenerator()
    generator._initialise_endpoints()
    found: dict[str, type] = {}
    for path, _regex, method, callback in generator.endpoints:
        if method not in ("POST", "PUT", "PATCH", "DELETE"):
            continue
        view = generator.create_view(callback, method)
        view.schema.method, view.schema.path = method, path
        serializer = view.schema.get_request_serializer()
        if serializer is None or not hasattr(serializer, "__class__"):
            continue
        cls = serializer if inspect.isclass(serializer) else type(serializer)
        if isinstance(serializer, serializers.ListSerializer):
            cls = type(serializer.child)
        if issubclass(cls, serializers.BaseSerializer):
            found[f"{cls.__module__}.{cls.__name__}"] = cls
    return [found[k] for k in sorted(found)]


FORMS = _classes("forms", forms.BaseForm)


def _has_range(validators) -> bool:
    return any(isinstance(v, DateRange) for v in validators)


def _form_problems(form_class: type) -> list[str]:
    try:
        fields = form_class.base_fields
    except AttributeError:
        return []
    problems = []
    for name, field in fields.items():
        if isinstance(field, forms.DateField) and not _has_range(field.validators):
            problems.append(f"{name}: date without a range")
        # A password is an HMAC key, hashed once whatever its length: a limit would only
        # weaken it.
        password = isinstance(field.widget, forms.PasswordInput)
        if isinstance(field, forms.CharField) and field.max_length is None and not password:
            problems.append(f"{name}: text without max_length")
    return problems


def _serializer_fields(serializer: serializers.BaseSerializer, prefix: str = "") -> Iterator:
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        here = f"{prefix}{name}"
        if isinstance(field, serializers.ListSerializer):
            field = field.child
        if isinstance(field, serializers.BaseSerializer):
            yield from _serializer_fields(field, f"{here}.")
            continue
        if isinstance(field, serializers.ListField):
            yield f"{here}[]", field.child
            continue
        yield here, field


def _serializer_problems(serializer_class: type) -> list[str]:
    serializer = serializer_class(context={})
    problems = []
    for name, field in _serializer_fields(serializer):
        if isinstance(field, serializers.DateField) and not _has_range(field.validators):
            problems.append(f"{name}: date without a range")
        if isinstance(field, serializers.CharField) and field.max_length is None:
            problems.append(f"{name}: text without max_length")
    return problems


def test_the_walk_finds_the_forms_and_serializers():
    names = {c.__name__ for c in FORMS} | {c.__name__ for c in _request_serializers()}
    assert {"IntelligenceRecordSerializer", "OperationSerializer", "ActivitySummaryForm"} <= names


@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_form_fields_are_bounded(form_class):
    assert _form_problems(form_class) == []


def test_request_serializer_fields_are_bounded():
    problems = {
        f"{cls.__module__}.{cls.__name__}": _serializer_problems(cls)
        for cls in _request_serializers()
    }
    assert {name: found for name, found in problems.items() if found} == {}
