"""The matrix part of `seed_demo`, and the story's calendar every demo module lays its data on.

The seed page's figures are dated relative to its publication (October 2022): 37 lines / TRH 571
"in July", 29 / 365 "as recorded in October 22", 85 lines "in July 2020", 50 mapped OCGs, +39%
since the OCGMU was formed in September 2021 (its month-end reading, 36). The force reads its
matrix monthly and a month's figure is its month-end reading (DOMAIN.md), so the demo puts them
on month ends before the story's last day D (`StoryCalendar`), and the story reads the same
whatever D is. Convention, counting in calendar months from D's month M:
- "October" is D itself (M; the month-end reading when D is a month's last day);
- "July" is the last day of M - 3 (31 Jul 2022 for D = 31 Oct 2022);
- "July 2020" is the last day of M - 27 (31 Jul 2020);
- the OCGMU is formed on the first of M - 13 (1 Sep 2021) and growth counts from that month's
  last day (30 Sep 2021); the SCPOs pass to it on the first of M - 2 (1 Aug 2022);
- "a year before" is the same day twelve months earlier, clamped to the month's end.
For a story ending today (1 Dec 2026, say) "July" is 30 Sep 2026 and "July 2020" 30 Sep 2024.

`seed` scores everything the other apps seeded and rebuilds history with `recompute_all(as_of=)`
over the real records: daily for the last DAILY_DAYS days (the trend chart), weekly for the year
before that, and every month end back to "July 2020" (the monthly matrix). Idempotent: every
run rewrites the same rows.
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


def month_end(day: datetime.date, months: int = 0) -> datetime.date:
    """The last day of the month `months` after `day`'s (before it when negative)."""
    return add_months(day.replace(day=1), months + 1) - datetime.timedelta(days=1)


@dataclass(frozen=True)
class StoryCalendar:
    """The story's fixed points, from its last day."""

    end: datetime.date

    @property
    def july(self) -> datetime.date:
        """'In July': 37 active lines, total TRH 571 (the month-end three months before D's)."""
        return month_end(self.end, -3)

    @property
    def year_before(self) -> datetime.date:
        """36 mapped and scored OCGs, as at the OCGMU's formation."""
        return add_months(self.end, -12)

    @property
    def ocgmu_formed(self) -> datetime.date:
        """The OCGMU's formation: the first of the month thirteen months before the end's month
        (1 Sep 2021 for a story ending 31 Oct 2022). It nominates OCGs from then on."""
        return add_months(self.end.replace(day=1), -13)

    @property
    def ocgmu_reading(self) -> datetime.date:
        """Its formation month's month-end reading, 36 mapped OCGs: growth counts from here."""
        return month_end(self.ocgmu_formed)

    @property
    def july_2020(self) -> datetime.date:
        """'In July 2020 the Force had 85 scored county lines': the month-end 27 months before
        D's month."""
        return month_end(self.end, -27)

    @property
    def two_years_before(self) -> datetime.date:
        """The day the dashboard compares with (two years before D): still 85 lines."""
        return add_months(self.end, -24)

    @property
    def scpos_to_ocgmu(self) -> datetime.date:
        """'In August 2022 the OCGMU adopted the coordination of SCPOs': the first of the month
        two months before D's."""
        return add_months(self.end.replace(day=1), -2)

    def days_before(self, days: int) -> datetime.date:
        return self.end - datetime.timedelta(days=days)


def history_dates(story_end: datetime.date, today: datetime.date) -> list[datetime.date]:
    """Past days to rebuild: the last DAILY_DAYS daily, then weekly for a year, then every month
    end back to the story's "July 2020", plus the story's fixed points."""
    story = StoryCalendar(min(story_end, today))
    end = story.end
    dates = {end - datetime.timedelta(days=d) for d in range(DAILY_DAYS)}
    weekly_from = end - datetime.timedelta(days=DAILY_DAYS)
    dates |= {weekly_from - datetime.timedelta(weeks=w) for w in range(WEEKLY_WEEKS + 1)}
    month = story.july_2020
    while month <= end:
        dates.add(month)
        month = month_end(month, 1)
    dates |= {story.july, story.year_before, story.ocgmu_reading, story.two_years_before}
    return sorted(d for d in dates if story.july_2020 <= d <= end and d < today)


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
