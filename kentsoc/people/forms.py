"""The merge and undo forms: which two people, and why (kept on the audit trail)."""

from __future__ import annotations

from django import forms

from kentsoc.limits import REASON_TEXT


class MergeForm(forms.Form):
    survivor = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    merged = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label="Reason",
        help_text="Why these are one person: the same PNC number, the same custody photograph. "
        "Kept on the audit trail.",
        max_length=REASON_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class UndoForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        help_text="Why the merge was wrong: the custody photographs show two different people.",
        max_length=REASON_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
