"""HTML input shapes. Rules live in ocg.services; forms only read input into the typed values the
services take (records they refer to as ids) and show the services' messages at the right field
(kentsoc.web.forms)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from kentsoc.limits import HAPPENED, LONG_TEXT, PLANNED, REASON_TEXT
from kentsoc.org.models import Division
from kentsoc.web.coerce import as_id
from ocg.choices import (
    ClosingStatus,
    Criminality,
    CustodyStatus,
    MembershipRole,
    PlanActionStatus,
    PlanStrand,
)
from ocg.services.lifecycle import adoptable_teams, lro_candidates, regional_units
from ocg.services.plan import plan_owner_candidates

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _IdChoice(forms.ModelChoiceField):
    """A select offering the records the service accepts, whose cleaned value is the posted id.
    The form does not refuse an id it did not offer: the service does, in the words the API
    gives for the same id, so the page and the API refuse alike."""

    def clean(self, value: Any) -> int | None:
        if value in self.empty_values:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        pk = as_id(value)
        if pk is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return pk


class NominateForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="The name the group is known by.")
    criminality = forms.MultipleChoiceField(
        choices=Criminality.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="One or more types of criminality.",
    )
    division = _IdChoice(
        queryset=Division.objects.filter(is_central=False), empty_label="Choose a division"
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=LONG_TEXT
    )
    # Members come as parallel lists `member_nominal` / `member_role` from the picker rows; the
    # service checks them. This field only carries their errors to the page.
    members = forms.CharField(
        required=False,
        max_length=200,
        widget=forms.HiddenInput,
        label="Members",
        help_text="At least two people, each with a role.",
    )


class OcgEditForm(forms.Form):
    name = forms.CharField(max_length=120)
    criminality = forms.MultipleChoiceField(
        choices=Criminality.choices, widget=forms.CheckboxSelectMultiple
    )
    division = _IdChoice(queryset=Division.objects.filter(is_central=False))
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=LONG_TEXT
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class MemberAddForm(forms.Form):
    nominal = forms.IntegerField(widget=forms.HiddenInput, required=False, label="Person")
    role = forms.ChoiceField(choices=MembershipRole.choices)
    from_date = forms.DateField(widget=DATE, required=False, label="From", validators=[HAPPENED])
    to_date = forms.DateField(widget=DATE, required=False, label="To", validators=[HAPPENED])


class MemberEndForm(forms.Form):
    to_date = forms.DateField(widget=DATE, label="Ended on", validators=[HAPPENED])


class NominalForm(forms.Form):
    first_name = forms.CharField(max_length=80)
    last_name = forms.CharField(max_length=80)
    date_of_birth = forms.DateField(widget=DATE, required=False, validators=[HAPPENED])
    aliases = forms.CharField(max_length=300, required=False, help_text="Separate with commas.")
    custody_status = forms.ChoiceField(choices=CustodyStatus.choices, initial="at_liberty")


class NominalEditForm(NominalForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=REASON_TEXT)


class CloseForm(forms.Form):
    status = forms.ChoiceField(choices=ClosingStatus.choices, label="Close as")
    date = forms.DateField(widget=DATE, label="Date", validators=[HAPPENED])
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=REASON_TEXT)


class _UserChoice(_IdChoice):
    def label_from_instance(self, obj: Any) -> str:
        officer = obj.officer
        return f"{officer.display_name} — {officer.get_role_display()}, {officer.team.name}"


class AdoptForm(forms.Form):
    # The choices are the service's own rule (adoptable_teams, lro_candidates): nothing offered
    # is then refused, and anything else is refused by the service.
    managing_team = _IdChoice(
        queryset=adoptable_teams(),
        empty_label="Choose a team",
        help_text="SOC, a Division local team, MLT, MSHT, FI or NCA/ERSOU.",
    )
    lead_responsible_officer = _UserChoice(
        queryset=lro_candidates(),
        empty_label="Choose an officer",
        label="Lead Responsible Officer",
        help_text="A Lead Responsible Officer of a team that may manage OCGs.",
    )

    regional_force = _IdChoice(
        queryset=regional_units(),
        required=False,
        empty_label="None: the force's own team works it",
        label="Regional unit",
        help_text="Adopted by the NCA/ERSOU team: the regional unit that works it with you. It "
        "is shared with that force (read and add intelligence and disruptions) for a year.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Asked again per form: during a request the candidates are the officer's own force's.
        self.fields["lead_responsible_officer"].queryset = lro_candidates()
        self.fields["regional_force"].queryset = regional_units()


class PlanActionForm(forms.Form):
    strand = forms.ChoiceField(choices=PlanStrand.choices)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=LONG_TEXT)
    owner = _UserChoice(queryset=plan_owner_candidates(), empty_label="Choose an officer")
    due_on = forms.DateField(widget=DATE, label="Due", validators=[PLANNED])
    status = forms.ChoiceField(choices=PlanActionStatus.choices, initial=PlanActionStatus.OPEN)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Asked again per form: during a request the candidates are the officer's own force's.
        self.fields["owner"].queryset = plan_owner_candidates()


class PlanStatusForm(forms.Form):
    status = forms.ChoiceField(choices=PlanActionStatus.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)
