"""The form renderer (settings.FORM_RENDERER): Django's own, with its select widget written flat.

Django renders each <option> of a select through two more templates (the option and its
attributes), so a filter form with a few choice lists cost a hundred template renders per list
page (issue 18). `form_templates/django/forms/widgets/select.html` writes the options inline and is
found before Django's; every other widget template is Django's.
"""

from __future__ import annotations

from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates
from django.utils.functional import cached_property

_OWN = Path(__file__).resolve().parent / "form_templates"
_DJANGO = Path(django.forms.__file__).resolve().parent / "templates"


class FormRenderer(DjangoTemplates):
    @cached_property
    def engine(self):
        return self.backend(
            {"APP_DIRS": True, "DIRS": [_OWN, _DJANGO], "NAME": "djangoforms", "OPTIONS": {}}
        )
