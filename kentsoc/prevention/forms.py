"""HTML input shapes; the rules are the services' (kentsoc.prevention.services)."""

from __future__ import annotations

from typing import Any

from django import forms

from kentsoc.gangs.models import Gang
from kentsoc.limits import HAPPENED, LONG_TEXT
from kentsoc.org.models import Division
from kentsoc.org.scoping import access_for
from kentsoc.prevention.models import SchoolSession, StreetGroupIntervention

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _DivisionMixin(forms.Form):
    """The division is asked only of the CLIO coordinator, who has none of their own; a CLIO's
    work is recorded in their division."""

    division = forms.ModelChoiceField(
        queryset=Division.objects.none(),
        required=False,
        label="Division",
        help_text="The division whose work this was.",
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        access = access_for(user)
        if access is not None and access.division_id is not None:
            del self.fields["division"]
        else:
            self.fields["division"].queryset = Division.objects.filter(is_central=False)


class SchoolSessionForm(forms.Form):
    school = forms.CharField(max_length=160, label="School, college or setting")
    held_on = forms.DateField(widget=_DATE, label="Date of the session", validators=[HAPPENED])
    audience = forms.IntegerField(
        min_value=1,
        label="Audience size",
        help_text="How many young people attended.",
        error_messages={"min_value": "A session has an audience of at least one."},
    )
    topic = forms.CharField(
        max_length=160, help_text="e.g. county lines and exploitation, knife crime"
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=LONG_TEXT
    )


class SchoolSessionNewForm(_DivisionMixin, SchoolSessionForm):
    field_order = ["division", "school", "held_on", "audience", "topic", "notes"]


class _EditMixin(forms.Form):
    """A record's edit form: its fields and the version the officer read."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def for_record(cls, record: SchoolSession | StreetGroupIntervention) -> _EditMixin:
        return cls(initial={f: getattr(record, f) for f in cls.base_fields})


class SchoolSessionEditForm(_EditMixin, SchoolSessionForm):
    pass


class InterventionForm(forms.Form):
    held_on = forms.DateField(widget=_DATE, label="Date of the intervention", validators=[HAPPENED])
    young_people_engaged = forms.IntegerField(
        min_value=1,
        label="Young people engaged",
        error_messages={"min_value": "At least one young person engaged."},
    )
    referrals_made = forms.IntegerField(
        min_value=0,
        initial=0,
        label="Referrals made",
        help_text="To MCET, children's services or a partner agency.",
    )
    outcome = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=LONG_TEXT,
        label="Outcome and notes",
    )


class InterventionNewForm(_DivisionMixin, InterventionForm):
    gang = forms.ModelChoiceField(
        queryset=Gang.objects.none(),
        label="Street group or gang",
        error_messages={
            "required": "Choose the street group or gang.",
            "invalid_choice": "Choose a street group or gang from the list.",
        },
    )
    field_order = ["gang", "division", "held_on", "young_people_engaged", "referrals_made"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["gang"].queryset = Gang.objects.visible_to(user).order_by("name")


class InterventionEditForm(_EditMixin, InterventionForm):
    pass
