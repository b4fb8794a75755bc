"""Sane bounds on what people type, in one place for every form and API serializer.

Text: free text is capped so a careless or hostile client cannot store megabytes in a summary;
short text (names, references, places) is capped at its database column. Dates: nothing before
1900, and no future date for something that has already happened (the date of information, a
disruption, an arrest, a court result); dates that can be planned (an operation, a review, a
due date, an expiry) may be in the future, within a hundred years.

The README's "Input limits" table lists them; a test walks every form and serializer and
fails on a free-text field without a length limit or a date field without a range."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible

# Summaries, narratives, notes, descriptions, definition evidence, conditions, offences.
LONG_TEXT = 10_000
# Reasons, rationales, outcomes: a paragraph or two.
REASON_TEXT = 2_000

EARLIEST_DATE = datetime.date(1900, 1, 1)
PLANNED_YEARS_AHEAD = 100


def latest_planned_date(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return datetime.date(today.year + PLANNED_YEARS_AHEAD, 12, 31)


@deconstructible
class DateRange:
    """A date from 1 January 1900 to today (`future=False`: it has happened) or to 31 December
    a hundred years ahead (`future=True`: it can be planned)."""

    def __init__(self, *, future: bool) -> None:
        self.future = future

    def __call__(self, value: datetime.date | None) -> None:
        if value is None:
            return
        if value < EARLIEST_DATE:
            raise ValidationError(
                "Enter a date from 1 January 1900 on, not %(value)s.",
                code="date_too_early",
                params={"value": value.isoformat()},
            )
        today = timezone.localdate()
        if not self.future and value > today:
            raise ValidationError(
                "This date cannot be in the future: it is when something happened.",
                code="date_in_future",
            )
        latest = latest_planned_date(today)
        if value > latest:
            raise ValidationError(
                "Enter a date up to %(latest)s, not %(value)s.",
                code="date_too_late",
                params={"latest": latest.isoformat(), "value": value.isoformat()},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateRange) and other.future == self.future

    def __hash__(self) -> int:
        return hash(self.future)


# Something that has happened: from 1900 to today.
HAPPENED = DateRange(future=False)
# Something that can be planned or is due: from 1900 to a hundred years ahead.
PLANNED = DateRange(future=True)
