"""The lifetime forms' officer select (kentsoc.lifetime.forms.OfficerSelect) writes what Django's
select, drawn by the project's form renderer, writes: every officer of the force, the chosen one
selected, names escaped."""

from __future__ import annotations

import pytest
from django import forms

from kentsoc.lifetime.forms import AttendanceForm, ConditionForm, OfficerSelect
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db


def _drawn_by_django(form: forms.Form, name: str) -> str:
    field = form.fields[name]
    field.widget = forms.Select(choices=field.choices)
    return str(form[name])


@pytest.mark.parametrize(
    ("form_class", "name", "prefix"),
    [
        (ConditionForm, "requested_by", "condition"),
        (AttendanceForm, "officer", None),
    ],
)
def test_the_officer_select_is_djangos_select(coordinator, force, form_class, name, prefix):
    # A name to escape: the select writes each officer as Django does (str(user)).
    OfficerFactory(team=force["teams"]["ocgmu"], user__username='o"brien<b>&co')
    key = f"{prefix}-{name}" if prefix else name
    for data in (None, {key: str(coordinator.pk)}, {key: "not an id"}):
        form = form_class(data, prefix=prefix)
        assert isinstance(form.fields[name].widget, OfficerSelect)
        ours = str(form[name])
        assert ours.count("<option") > 2
        assert ours == _drawn_by_django(form, name), data
