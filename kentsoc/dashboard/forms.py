"""The activity summary's period and scope, parsed the same way for the page and the API."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from disruptions.forms import DateInput
from kentsoc.dashboard.monthly import last_complete_month
from kentsoc.dashboard.reports import TEAM_KIND_SCOPES, nine_month_period
from kentsoc.limits import EARLIEST_DATE, PLANNED
from kentsoc.org.models import Division, Team
from kentsoc.web.coerce import as_id


class IdOrCodeChoiceField(forms.ModelChoiceField):
    """A team or division by id (the page's select) or by code (`?division=CENTRAL`), the way the
    matrix API and the list filters take them."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        pk = as_id(value)
        if pk is not None:
            return super().to_python(pk)
        found = self.queryset.filter(code__iexact=str(value).strip()).first()
        if found is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return found


class ActivitySummaryForm(forms.Form):
    """The report's period and scope; `from`/`to` are inclusive. Used by the page and the API."""

    team = IdOrCodeChoiceField(queryset=Team.objects.all(), required=False, empty_label="Any")
    division = IdOrCodeChoiceField(
        queryset=Division.objects.all(), required=False, empty_label="Whole force"
    )
    team_kind = forms.ChoiceField(
        label="Kind of team",
        required=False,
        choices=[("", "Any"), *((k, label) for k, (label, _) in TEAM_KIND_SCOPES.items())],
        error_messages={"invalid_choice": "Choose a kind of team from the list."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so these two fields are added here.
        self.fields = {
            # A period to report on: any sane date.
            "from": forms.DateField(
                label="From",
                widget=DateInput(),
                validators=[PLANNED],
                error_messages={
                    "required": "Enter the first day of the period.",
                    "invalid": "Enter a real date as YYYY-MM-DD.",
                },
            ),
            "to": forms.DateField(
                label="To",
                widget=DateInput(),
                validators=[PLANNED],
                error_messages={
                    "required": "Enter the last day of the period.",
                    "invalid": "Enter a real date as YYYY-MM-DD.",
                },
            ),
            **self.fields,
        }

    @staticmethod
    def default_period(today: datetime.date | None = None) -> dict[str, str]:
        start, end = nine_month_period(today or timezone.localdate())
        return {"from": start.isoformat(), "to": end.isoformat()}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            self.add_error("from", "The start of the period must be on or before its end.")
        return data

    def error_dict(self) -> dict[str, list[str]]:
        return {
            ("non_field_errors" if field == "__all__" else field): [str(m) for m in messages]
            for field, messages in self.errors.items()
        }


class MonthForm(forms.Form):
    """The monthly matrix's month, `YYYY-MM`; no month given is the last complete month. Used by
    the page and the API."""

    month = forms.CharField(
        label="Month",
        required=False,
        max_length=7,
        help_text="YYYY-MM, e.g. 2022-07. The figures are the month-end reading.",
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )

    def clean_month(self) -> datetime.date:
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            return last_complete_month()
        year, _, number = value.partition("-")
        if not (len(year) == 4 and year.isdigit() and len(number) == 2 and number.isdigit()):
            raise ValidationError(f"Enter a month as YYYY-MM, e.g. 2022-07 (not “{value}”).")
        if not 1 <= int(number) <= 12:
            raise ValidationError(f"There is no month {number}: months run from 01 to 12.")
        first = datetime.date(int(year), int(number), 1)
        today = timezone.localdate()
        if first > today:
            raise ValidationError(
                f"The matrix has no figures for a future month; choose {today:%Y-%m} or earlier."
            )
        if first.year < EARLIEST_DATE.year:
            raise ValidationError(f"Choose a month from {EARLIEST_DATE.year} onwards.")
        return first

    def error_dict(self) -> dict[str, list[str]]:
        return {field: [str(m) for m in messages] for field, messages in self.errors.items()}
