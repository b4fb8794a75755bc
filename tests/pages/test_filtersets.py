"""The lists' FilterSet base (kentsoc/web/filtersets.py): each request gets filters and form
fields of its own though the form class is built once per FilterSet class, and a FilterSet that
changes a filter for one request gets a form of its own."""

import django_filters
import pytest
from django import forms
from django.http import QueryDict

from kentsoc.org.models import Division
from kentsoc.web.cells import escaped
from kentsoc.web.filtersets import ListFilterSet
from kentsoc.web.templatetags.filter_forms import _listed
from ocg.choices import OcgStatus
from ocg.filters import OcgFilterSet
from ocg.models import OCG


class _Plain(django_filters.FilterSet):
    q = django_filters.CharFilter(method="by_text")
    status = django_filters.MultipleChoiceFilter(choices=OcgStatus.choices)
    division = django_filters.ModelChoiceFilter(queryset=Division.objects.all())

    class Meta:
        model = OCG
        fields: list[str] = []

    def by_text(self, queryset, name, value):
        return queryset.filter(name__icontains=value)


class _Light(ListFilterSet, _Plain):
    pass


class _Narrowed(_Light):
    """Changes a filter for this request only, as a FilterSet may in its __init__."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["q"].extra["widget"] = forms.TextInput(attrs={"data-narrowed": "yes"})


def test_each_filterset_has_its_own_filters_bound_to_itself():
    first, second = _Light(QueryDict("q=a")), _Light(QueryDict("q=b"))

    assert first.filters["q"] is not second.filters["q"]
    assert first.filters["q"].extra is not _Light.base_filters["q"].extra
    assert first.filters["q"].filter.f is first.filters["q"]
    assert first.filters["q"].parent is first and second.filters["q"].parent is second
    assert _Light.base_filters["q"].__dict__.get("parent") is None


@pytest.mark.django_db
def test_a_method_filter_runs_on_its_own_filterset():
    first, second = _Light(QueryDict("q=alpha")), _Light(QueryDict("q=beta"))

    assert "alpha" in str(first.qs.query) and "beta" in str(second.qs.query)


def test_the_form_class_is_built_once_and_its_fields_copied_per_form():
    first, second = _Light(QueryDict("status=adopted")), _Light(None)

    assert type(first.form) is type(second.form)
    assert first.form.fields["status"] is not second.form.fields["status"]
    assert first.form.fields["status"].widget is not second.form.fields["status"].widget
    assert list(first.form.fields["status"].choices) == list(OcgStatus.choices)


def test_the_forms_are_those_django_filter_builds():
    for data in (None, QueryDict("status=adopted&q=x"), QueryDict("status=bogus")):
        light, plain = _Light(data), _Plain(data)
        assert list(light.form.fields) == list(plain.form.fields)
        for name, field in light.form.fields.items():
            other = plain.form.fields[name]
            assert type(field) is type(other) and type(field.widget) is type(other.widget)
            assert field.label == other.label and field.required == other.required
            if name != "division":
                assert list(field.choices if hasattr(field, "choices") else []) == list(
                    other.choices if hasattr(other, "choices") else []
                )
        assert light.is_bound == plain.is_bound
        if data is not None:
            assert light.form.is_valid() == plain.form.is_valid()
            assert light.form.errors == plain.form.errors


def test_a_filterset_that_changes_a_filter_builds_its_own_form():
    narrowed, light = _Narrowed(None), _Light(None)

    assert type(narrowed.form) is not type(light.form)
    assert narrowed.form.fields["q"].widget.attrs == {"data-narrowed": "yes"}
    assert "data-narrowed" not in light.form.fields["q"].widget.attrs
    assert "data-narrowed" not in _Light(None).form.fields["q"].widget.attrs


@pytest.mark.django_db
def test_model_choices_are_listed_as_their_iterator_lists_them(force):
    form = OcgFilterSet(None, queryset=OCG.objects.all()).form
    for name in ("division", "managing_team"):
        choices = form.fields[name].widget.choices
        assert _listed(choices) == list(iter(choices))
        assert len(_listed(choices)) > 1


def test_escaped_is_conditional_escape():
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    for value in ("<a href='x'>&\"</a>", "plain", 3, None, mark_safe("<b>kept</b>"), "é<"):
        assert escaped(value) == str(conditional_escape(value))
