"""The matrix part of `seed_demo`, and the story's calendar every demo module lays its data on.

The seed page's figures are dated relative to its publication (October 2022): 37 lines / TRH 571
"in July", 29 / 365 in October, 85 lines "in July 2020", 50 mapped OCGs, +39% since the OCGMU
was formed in September 2021 (its month-end reading, 36). The demo puts them on fixed points
before the story's last day D (`StoryCalendar`), so the story reads the same whatever D is; the
OCGMU is formed thirteen months before D's month. Convention: "four months before" is the same
day of the month four months earlier, clamped to the month's end (D = 2022-10-31 gives
2022-06-30); "a year" and "two years" before likewise (2021-10-31, 2020-10-31) — the dates the
dashboard itself reads.

`seed` scores everything the other apps seeded and rebuilds history with `recompute_all(as_of=)`
over the real records: daily for the last four months (the trend chart), weekly for the year
before that, month ends for the year before that. Idempotent: every run rewrites the same rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from kentsoc.dates import add_months
from kentsoc.matrix.recompute import recompute_all

DAILY_DAYS = 125  # a little more than the dashboard's 120-day trend
WEEKLY_WEEKS = 52


@dataclass(frozen=True)
class StoryCalendar:
    """The story's fixed points, from its last day."""

    end: datetime.date

    @property
    def july(self) -> datetime.date:
        """'In July': 37 active lines, total TRH 571 (four months before the end)."""
        return add_months(self.end, -4)

    @property
    def year_before(self) -> datetime.date:
        """36 mapped and scored OCGs, so the 50 at the end are +39%."""
        return add_months(self.end, -12)

    @property
    def ocgmu_formed(self) -> datetime.date:
        """The OCGMU's formation: the first of the month thirteen months before the end's month
        (1 Sep 2021 for a story ending 31 Oct 2022)."""
        return add_months(self.end.replace(day=1), -13)

    @property
    def ocgmu_reading(self) -> datetime.date:
        """Its formation month's month-end reading, 36 mapped OCGs: growth counts from here."""
        return add_months(self.ocgmu_formed, 1) - datetime.timedelta(days=1)

    @property
    def two_years_before(self) -> datetime.date:
        """85 active lines ('July 2020' in the seed; the dashboard compares two years back)."""
        return add_months(self.end, -24)

    def days_before(self, days: int) -> datetime.date:
        return self.end - datetime.timedelta(days=days)


def history_dates(story_end: datetime.date, today: datetime.date) -> list[datetime.date]:
    """Past days to rebuild: the last DAILY_DAYS daily, then weekly for a year, then month ends
    back to two years before, plus the story's fixed points."""
    story = StoryCalendar(min(story_end, today))
    end = story.end
    dates = {end - datetime.timedelta(days=d) for d in range(DAILY_DAYS)}
    weekly_from = end - datetime.timedelta(days=DAILY_DAYS)
    dates |= {weekly_from - datetime.timedelta(weeks=w) for w in range(WEEKLY_WEEKS + 1)}
    month = add_months(end, -25).replace(day=1)
    while month <= end:
        dates.add(add_months(month, 1) - datetime.timedelta(days=1))
        month = add_months(month, 1)
    dates |= {story.july, story.year_before, story.ocgmu_reading, story.two_years_before}
    return sorted(d for d in dates if add_months(end, -25) <= d <= end and d < today)


def seed(stdout: TextIO, story_end: datetime.date) -> None:
    today = timezone.localdate()
    dates = history_dates(story_end, today)
    with transaction.atomic():  # one commit for the whole history, not one per day
        for on in dates:
            recompute_all(as_of=on)
    summary = recompute_all()
    stdout.write(
        f"  matrix: {summary.lines_scored} lines and {summary.ocgs_scored} OCGs scored and "
        f"ranked; history rebuilt for {len(dates)} days up to {dates[-1] if dates else today}\n"
    )
