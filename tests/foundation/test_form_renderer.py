"""The project's form renderer (kentsoc.web.renderers) writes a select's options inline: the
HTML must be what Django's own select and option templates give, option for option."""

from __future__ import annotations

import re

from django import forms
from django.forms.renderers import DjangoTemplates
from django.test.utils import override_settings

from kentsoc.web.renderers import FormRenderer


class _Form(forms.Form):
    single = forms.ChoiceField(
        choices=[("", "Any"), ("a", "Apples & <pears>"), ("b", "Bread")], required=False
    )
    grouped = forms.ChoiceField(
        choices=[("Fruit", [("a", "Apple"), ("b", "Banana")]), ("Other", [("c", "Cake")])]
    )
    several = forms.MultipleChoiceField(
        choices=[("1", "One"), ("2", "Two"), ("3", "Three")],
        widget=forms.SelectMultiple(attrs={"size": 3, "data-testid": "several"}),
    )


def _render(renderer) -> str:
    form = _Form({"single": "a", "grouped": "c", "several": ["1", "3"]}, renderer=renderer)
    html = "".join(str(form[name]) for name in ("single", "grouped", "several"))
    return re.sub(r"\s+", " ", html)


def test_the_project_renders_selects_as_django_does():
    assert _render(FormRenderer()) == _render(DjangoTemplates())


@override_settings(FORM_RENDERER="kentsoc.web.renderers.FormRenderer")
def test_selected_options_and_escaping_survive_the_flat_template():
    html = _render(None)
    assert '<option value="a" selected>Apples &amp; &lt;pears&gt;</option>' in html
    assert '<optgroup label="Fruit">' in html
    assert '<option value="3" selected>Three</option>' in html
    assert 'data-testid="several"' in html
