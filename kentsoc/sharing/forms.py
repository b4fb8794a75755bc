"""The share forms: input shape and friendly messages; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from kentsoc.limits import PLANNED, REASON_TEXT
from kentsoc.sharing.choices import DEFAULT_DAYS, MAX_DAYS, ShareAccess

_DATE = forms.DateInput(attrs={"type": "date"})
_DATES_HELP = f"Empty: from today for {DEFAULT_DAYS} days. At most {MAX_DAYS} days."


def _record_choices(records: Any) -> list[tuple[int, str]]:
    return [
        (r.pk, f"{r.reference} ({r.grading}, {r.information_date:%-d %b %Y}): {r.summary[:80]}")
        for r in records
    ]


class _Dates(forms.Form):
    access = forms.ChoiceField(
        choices=ShareAccess.choices,
        initial=ShareAccess.READ,
        widget=forms.RadioSelect,
        label="The other force may",
    )
    reason = forms.CharField(
        max_length=REASON_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why the other force needs it: the line exports from its area, a joint operation",
    )
    starts_on = forms.DateField(required=False, widget=_DATE, validators=[PLANNED], label="From")
    ends_on = forms.DateField(
        required=False, widget=_DATE, validators=[PLANNED], label="Until", help_text=_DATES_HELP
    )


class OfferForm(_Dates):
    """One of the force's own lines or OCGs, offered to another force."""

    receiving_force = forms.ChoiceField(label="Share with")
    records = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Intelligence to share with it",
        help_text="Only code-P records can be shared: a code-C record's conditions keep it "
        "within the owning team.",
    )
    field_order = ["receiving_force", "access", "records", "reason", "starts_on", "ends_on"]

    def __init__(self, *args: Any, forces: Any, records: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receiving_force"].choices = [("", "Choose a force")] + [
            (f.pk, f.name) for f in forces
        ]
        self.fields["records"].choices = _record_choices(records)


class AskForm(_Dates):
    """Another force's line or OCG, asked for by its reference."""

    reference = forms.CharField(
        max_length=16, help_text="The other force's reference, e.g. CL-0012 or OCG-0007"
    )
    field_order = ["reference", "access", "reason", "starts_on", "ends_on"]


class DecideForm(forms.Form):
    records = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Intelligence to share with it",
        help_text="Code-P records only: a code-C record's conditions keep it within the owning "
        "team.",
    )
    reason = forms.CharField(
        required=False,
        max_length=REASON_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed to refuse or revoke; optional to approve",
    )

    def __init__(self, *args: Any, records: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["records"].choices = _record_choices(records)
