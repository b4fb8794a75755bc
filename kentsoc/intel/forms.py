"""HTML input for intelligence records and definition evidence. Rules live in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from kentsoc.intel.choices import HandlingCode, IntelligenceAssessment, SourceEvaluation
from kentsoc.intel.tables import ASSESSMENT_MEANINGS, HANDLING_MEANINGS, SOURCE_MEANINGS
from kentsoc.limits import HAPPENED, LONG_TEXT, REASON_TEXT
from kentsoc.trh.factors import Factor, claimable_factors
from kentsoc.web.coerce import as_id
from kentsoc.web.forms import apply_service_errors

SUBJECT_TYPES = ("county_line", "ocg")
SUBJECT_TYPE_TITLES = {"county_line": "County line factors", "ocg": "OCG factors"}


class IdListField(forms.Field):
    """Ids posted as repeated values (ticked subjects); the service checks they may be used."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        ids = []
        for item in value or []:
            pk = as_id(item)
            if pk is None:
                raise ValidationError(f"{item!r} is not a valid choice.")
            ids.append(pk)
        return sorted(set(ids))


def _graded(choices: type, meanings: dict) -> list[tuple[str, str]]:
    return [(value, f"{value} — {meanings[value]}") for value in choices.values]


def claim_field_name(code: str) -> str:
    return f"claim_{code}"


class IntelligenceRecordForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reference = forms.CharField(
        max_length=20,
        required=False,
        help_text="kentsoc gives the record an INT- number when you leave this blank.",
    )
    rms_reference = forms.CharField(
        max_length=40,
        required=False,
        label="RMS reference",
        help_text="The force records system number, e.g. an Athena number.",
    )
    information_date = forms.DateField(
        label="Date of the information",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[HAPPENED],
    )
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), max_length=LONG_TEXT)
    source_evaluation = forms.ChoiceField(
        choices=_graded(SourceEvaluation, SOURCE_MEANINGS), widget=forms.RadioSelect
    )
    intelligence_assessment = forms.ChoiceField(
        choices=_graded(IntelligenceAssessment, ASSESSMENT_MEANINGS), widget=forms.RadioSelect
    )
    handling_code = forms.ChoiceField(
        choices=_graded(HandlingCode, HANDLING_MEANINGS), widget=forms.RadioSelect
    )
    handling_conditions = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT,
        help_text="Required for handling code C.",
    )
    ocgs = IdListField(required=False, label="OCGs")
    county_lines = IdListField(required=False, label="County lines")
    nominals = IdListField(required=False, label="Nominals")
    gangs = IdListField(required=False, label="Gangs")
    subject_q = forms.CharField(required=False, label="Find a subject", max_length=80)

    def __init__(
        self,
        *args: Any,
        subject_types: tuple[str, ...] = SUBJECT_TYPES,
        conditions_readable: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Required for handling code C (its hint says so): not shown as "(optional)".
        self.fields["handling_conditions"].conditionally_required = True
        if not conditions_readable:
            # The text must not reach this user's browser, and they may not change the code.
            del self.fields["handling_conditions"]
            self.fields["handling_code"].disabled = True
            self.fields[
                "handling_code"
            ].help_text = (
                "Only the owning team or a supervisor may change the handling code of this record."
            )
        self.claims_errors: list[str] = []
        self.hidden_claims: list[tuple[Factor, str]] = []
        self.factor_tables: list[tuple[str, list[tuple[Factor, str]]]] = []
        shown = [t for t in SUBJECT_TYPES if t in subject_types] or list(SUBJECT_TYPES)
        # Tables not shown still get their fields, so a posted claim is never silently dropped:
        # the service refuses it if it does not fit the record's subjects.
        for subject_type in [*shown, *[t for t in SUBJECT_TYPES if t not in shown]]:
            rows = []
            for code, factor in claimable_factors(subject_type).items():
                name = claim_field_name(code)
                if name in self.fields:
                    continue
                self.fields[name] = forms.TypedChoiceField(
                    label=factor.label,
                    required=False,
                    coerce=int,
                    empty_value=None,
                    choices=[("", "Not claimed")]
                    + [
                        (level, f"{level} — {factor.levels[level]}")
                        for level in range(1, factor.max_level + 1)
                    ],
                )
                rows.append((factor, name))
            if subject_type in shown:
                self.factor_tables.append((SUBJECT_TYPE_TITLES[subject_type], rows))
            else:
                self.hidden_claims.extend(rows)

    def claim_fields(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[name] for _, name in rows]) for title, rows in self.factor_tables]

    def service_kwargs(self) -> dict[str, Any]:
        # Only what the form could read: the whole input once it is valid, the rest of it for
        # the service's checks (intelligence_check) when some of it was refused.
        data = self.cleaned_data
        kwargs = {
            field: data[field]
            for field in (
                "reference",
                "rms_reference",
                "information_date",
                "summary",
                "source_evaluation",
                "intelligence_assessment",
                "ocgs",
                "county_lines",
                "nominals",
                "gangs",
            )
            if field in data
        }
        if "handling_conditions" in self.fields:
            kwargs.update(
                (field, data[field])
                for field in ("handling_code", "handling_conditions")
                if field in data
            )
        rows = [row for _, table in self.factor_tables for row in table] + self.hidden_claims
        kwargs["factor_claims"] = [
            {"factor": factor.code, "level": data[name]}
            for factor, name in rows
            if data.get(name) is not None
        ]
        return kwargs

    def add_service_errors(self, error: ValidationError, *, only_new: bool = False) -> None:
        """Show a service's refusal as every page does; claim messages also beside the claims.
        `only_new`: the form refused some input itself; add only what it has not said."""
        apply_service_errors(self, error, only_new=only_new)
        claims = getattr(error, "error_dict", {}).get("factor_claims", [])
        self.claims_errors.extend(m for e in claims for m in e.messages)


class EvidenceForm(forms.Form):
    """One criterion's row of the evidence checklist. Every row posts the same names as the API's
    body (criterion, text, records); give each row its own `auto_id` so ids differ on the page."""

    criterion = forms.ChoiceField(widget=forms.HiddenInput)
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT,
        label="Evidence",
        help_text="What shows that this criterion is met.",
    )
    records = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Graded intelligence records behind it",
    )

    def __init__(self, *args: Any, criteria: type, records: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = criteria.choices
        self.fields["records"].queryset = records
        self.fields["records"].label_from_instance = lambda r: (
            f"{r.reference} · graded {r.grading}"
            f"{'' if r.is_scorable else ' (cannot prove a criterion)'}"
            f" · {r.information_date:%-d %b %Y} · {r.summary[:80]}"
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Reason", max_length=REASON_TEXT
    )
