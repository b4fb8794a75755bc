"""HTML input shapes. Rules live in the services; these give friendly per-field messages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.forms import formset_factory
from django.utils import timezone

from countylines.models import CountyLine
from disruptions.choices import (
    CourtOutcome,
    DrugClass,
    DrugUnit,
    ImpactGrade,
    NonCustodialKind,
    Strand,
    Tactic,
    WarrantPower,
    WeaponKind,
)
from disruptions.models import COUNT_FIELDS, Operation
from disruptions.services.disruptions import DisruptionValues, disruption_officer_candidates
from kentsoc.gangs.models import Gang
from kentsoc.limits import HAPPENED, LONG_TEXT, PLANNED, REASON_TEXT
from kentsoc.org.models import Officer, Team
from kentsoc.org.scoping import READ
from kentsoc.web.coerce import as_id
from ocg.models import OCG, Nominal

BLANK = [("", "—")]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        officer = getattr(obj, "officer", None)
        return officer.display_name if officer else obj.get_username()


def _count_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        initial=0,
        required=False,
        error_messages={
            "min_value": "Enter 0 or more: a count cannot be negative.",
            "invalid": "Enter a whole number.",
        },
        widget=forms.NumberInput(attrs={"min": 0, "inputmode": "numeric", "class": "input--short"}),
    )


def _subjects(model: Any, user: Any) -> Any:
    return model.objects.visible_to(user, lent=READ).with_lent_marks(user)


class DisruptionForm(forms.Form):
    date = forms.DateField(
        widget=DateInput(), error_messages={"required": "Enter the date."}, validators=[HAPPENED]
    )
    ocgs = forms.ModelMultipleChoiceField(
        queryset=OCG.objects.none(), required=False, widget=forms.MultipleHiddenInput
    )
    county_lines = forms.ModelMultipleChoiceField(
        queryset=CountyLine.objects.none(), required=False, widget=forms.MultipleHiddenInput
    )
    nominals = forms.ModelMultipleChoiceField(
        queryset=Nominal.objects.none(), required=False, widget=forms.MultipleHiddenInput
    )
    gangs = forms.ModelMultipleChoiceField(
        queryset=Gang.objects.none(), required=False, widget=forms.MultipleHiddenInput
    )
    team = forms.ModelChoiceField(queryset=Team.objects.all())
    officer = OfficerChoiceField(queryset=get_user_model().objects.none())
    operation = forms.ModelChoiceField(
        queryset=Operation.objects.none(), required=False, empty_label="— none —"
    )
    strand = forms.ChoiceField(label="4P strand", choices=BLANK + Strand.choices)
    tactic = forms.ChoiceField(choices=BLANK + Tactic.choices)
    narrative = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=LONG_TEXT
    )
    impact_grade = forms.ChoiceField(choices=BLANK + ImpactGrade.choices)
    impact_rationale = forms.CharField(
        label="Why this impact grade",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_TEXT,
        error_messages={"required": "Explain why you chose this impact grade: it is required."},
    )
    arrests = _count_field("Arrests")
    prisoners_dealt_with = _count_field("Prisoners dealt with")
    warrants_executed = _count_field("Warrants executed")
    warrant_power = forms.ChoiceField(
        label="Warrant power", choices=BLANK + WarrantPower.choices, required=False
    )
    charges = _count_field("Charges")
    handsets = _count_field("Handsets")
    sim_cards = _count_field("SIM cards")
    vehicles = _count_field("Vehicles")
    safeguarding_referrals = _count_field("Safeguarding referrals")
    cash_seized = forms.DecimalField(
        label="Cash seized (£)",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
        initial=0,
        error_messages={"min_value": "Enter 0 or more: cash seized cannot be negative."},
        widget=forms.NumberInput(attrs={"step": "0.01", "min": 0, "class": "input--short"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        # Also a line or OCG another force lends with the right to add to it (its chip says
        # whose); one lent read-only the service refuses, saying so.
        self.fields["ocgs"].queryset = _subjects(OCG, user)
        self.fields["county_lines"].queryset = _subjects(CountyLine, user)
        self.fields["nominals"].queryset = Nominal.objects.visible_to(user)
        self.fields["gangs"].queryset = Gang.objects.visible_to(user)
        self.fields["operation"].queryset = Operation.objects.visible_to(user)
        officer = Officer.objects.filter(user_id=user.pk).select_related("team").first()
        # The service's own rule, narrowed to the author's team: nothing offered is refused.
        self.fields["officer"].queryset = (
            disruption_officer_candidates(officer.team)
            if officer
            else get_user_model().objects.none()
        )
        if officer and not self.is_bound and "team" not in self.initial:
            self.initial.setdefault("team", officer.team_id)
        self.initial.setdefault("officer", user.pk)
        self.initial.setdefault("date", timezone.localdate())

    def count_fields(self) -> list:
        return [self[name] for name in COUNT_FIELDS]

    def selected_subjects(self) -> list[dict[str, Any]]:
        """The chosen subjects as chips, from the submitted data or the initial choice."""
        chips = []
        for name, kind in (
            ("ocgs", "OCG"),
            ("county_lines", "Line"),
            ("nominals", "Nominal"),
            ("gangs", "Gang"),
        ):
            raw = self[name].value() or []
            ids = [
                pk
                for pk in map(as_id, raw if isinstance(raw, list | tuple) else [raw])
                if pk is not None
            ]
            if not ids:
                continue
            for obj in self.fields[name].queryset.filter(pk__in=ids):
                label = str(obj)
                if getattr(obj, "lent_by", None):
                    label = f"{label} (shared by {obj.lent_by})"
                chips.append({"field": name, "kind": kind, "id": obj.pk, "label": label})
        return chips

    def service_values(self) -> DisruptionValues:
        data = self.cleaned_data
        values: DisruptionValues = {
            name: data.get(name)
            for name in (
                "date",
                "team",
                "officer",
                "operation",
                "strand",
                "tactic",
                "narrative",
                "impact_grade",
                "impact_rationale",
                "warrant_power",
            )
        }
        for name in COUNT_FIELDS:
            values[name] = data.get(name) or 0
        values["cash_seized"] = data.get("cash_seized") or Decimal("0")
        return values


class WeaponForm(forms.Form):
    kind = forms.ChoiceField(
        choices=BLANK + WeaponKind.choices,
        error_messages={"required": "Choose the kind of weapon."},
    )
    count = forms.IntegerField(
        min_value=1,
        initial=1,
        widget=forms.NumberInput(attrs={"min": 1, "class": "input--short"}),
        error_messages={"min_value": "Enter 1 or more."},
    )


class DrugForm(forms.Form):
    drug_class = forms.ChoiceField(
        label="Class",
        choices=BLANK + DrugClass.choices,
        error_messages={"required": "Choose the drug class (A, B or C)."},
    )
    drug = forms.CharField(max_length=80, error_messages={"required": "Name the drug."})
    amount = forms.DecimalField(
        min_value=0,
        max_digits=12,
        decimal_places=3,
        widget=forms.NumberInput(attrs={"step": "any", "min": 0, "class": "input--short"}),
        error_messages={"required": "Enter the amount."},
    )
    unit = forms.ChoiceField(choices=DrugUnit.choices, initial=DrugUnit.G)
    estimated_value = forms.DecimalField(
        label="Value (£)",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": 0, "class": "input--short"}),
    )


WeaponFormSet = formset_factory(WeaponForm, extra=1, can_delete=True, max_num=50)
DrugFormSet = formset_factory(DrugForm, extra=1, can_delete=True, max_num=50)


def formset_rows(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        for form in formset.forms
        if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class DecisionForm(forms.Form):
    """Submit, approve or return: the copy of the record the officer acted on."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReturnForm(DecisionForm):
    reason = forms.CharField(
        label="Reason for returning",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_TEXT,
        error_messages={"required": "Say what the author must correct: a reason is required."},
    )


class CourtResultForm(forms.Form):
    nominal = forms.ModelChoiceField(queryset=Nominal.objects.none())
    court = forms.CharField(
        max_length=120,
        help_text="The court that decided, e.g. Maidstone Crown Court",
        error_messages={"required": "Enter the court's name."},
    )
    offences = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=LONG_TEXT)
    outcome = forms.ChoiceField(choices=BLANK + CourtOutcome.choices)
    sentence_years = forms.IntegerField(
        label="Years",
        min_value=0,
        required=False,
        initial=0,
        widget=forms.NumberInput(attrs={"min": 0, "class": "input--short"}),
    )
    sentence_months = forms.IntegerField(
        label="Months",
        min_value=0,
        max_value=11,
        required=False,
        initial=0,
        widget=forms.NumberInput(attrs={"min": 0, "max": 11, "class": "input--short"}),
        error_messages={"max_value": "Enter 0 to 11 months; 12 months or more are years."},
    )
    non_custodial_kind = forms.ChoiceField(
        label="Non-custodial sentence", choices=BLANK + NonCustodialKind.choices, required=False
    )
    result_date = forms.DateField(label="Date of result", widget=DateInput(), validators=[HAPPENED])

    def __init__(self, *args: Any, user: Any, disruption: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        visible = Nominal.objects.visible_to(user)
        named = visible.filter(disruptions=disruption)
        # The disruption's own nominals first; anyone else the user can see may be chosen too.
        self.fields["nominal"].queryset = named if named.exists() else visible
        self.initial.setdefault("result_date", timezone.localdate())


class OperationForm(forms.Form):
    name = forms.CharField(max_length=160)
    # An operation can be planned: its dates may be ahead.
    start_date = forms.DateField(widget=DateInput(), validators=[PLANNED])
    end_date = forms.DateField(widget=DateInput(), validators=[PLANNED])
    teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=LONG_TEXT
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
