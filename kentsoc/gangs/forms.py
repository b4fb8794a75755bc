"""The gang forms: input shape and friendly messages; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from kentsoc.gangs.choices import GangKind, GangRole, GangStatus
from kentsoc.limits import HAPPENED, LONG_TEXT, PLANNED
from kentsoc.org.models import Division
from kentsoc.web.pickers import PickerWidget

_DATE = forms.DateInput(attrs={"type": "date"})


class GangForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(
        max_length=120, help_text='What it calls itself or is known as, e.g. "Eastgate Boys"'
    )
    kind = forms.ChoiceField(choices=GangKind.choices, initial=GangKind.GANG, label="Kind")
    area = forms.CharField(
        max_length=160, help_text="Where it operates: an estate, a town centre, a district"
    )
    division = forms.ModelChoiceField(
        queryset=Division.objects.none(), empty_label="Choose a division"
    )
    status = forms.ChoiceField(choices=GangStatus.choices, initial=GangStatus.ACTIVE)
    description = forms.CharField(
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What it does, who it clashes with, how it recruits",
    )
    review_date = forms.DateField(
        required=False, widget=_DATE, validators=[PLANNED], label="MOPI review date"
    )

    def __init__(self, *args: Any, divisions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["division"].queryset = divisions


class MemberForm(forms.Form):
    """Add a person: the role first, then the person; choosing them in the picker adds them."""

    role = forms.ChoiceField(choices=GangRole.choices, initial=GangRole.MEMBER)
    from_date = forms.DateField(
        required=False, widget=_DATE, validators=[HAPPENED], label="In it from"
    )
    nominal = forms.IntegerField(
        label="Person (nominal)",
        widget=PickerWidget("nominal"),
        help_text="Type a name, alias or reference, then choose the person",
        error_messages={"required": "Choose the person (nominal)."},
    )


class CountyLineLinkForm(forms.Form):
    county_line = forms.IntegerField(
        label="Link a county line",
        widget=PickerWidget("county-line"),
        help_text="Name, reference or deal-line number",
        error_messages={"required": "Choose the county line."},
    )


class OcgLinkForm(forms.Form):
    ocg = forms.IntegerField(
        label="Link an OCG",
        widget=PickerWidget("ocg"),
        help_text="Name or reference",
        error_messages={"required": "Choose the OCG."},
    )


def with_user(form: forms.Form, user: Any) -> forms.Form:
    """Pickers name only what the user may see: they need to know who is looking."""
    for field in form.fields.values():
        if isinstance(field.widget, PickerWidget):
            field.widget.user = user
    return form
