"""The matrix part of `seed_demo`: score everything the other apps seeded, and rebuild a year of
history (weekly and month-end snapshots, the last week day by day) for the trend charts and the
"movement since last week" column. Idempotent: every run rewrites the same rows."""

from __future__ import annotations

import datetime
from typing import TextIO

from django.utils import timezone

from kentsoc.matrix.recompute import recompute_all

HISTORY_WEEKS = 52
DAILY_DAYS = 8


def history_dates(story_end: datetime.date, today: datetime.date) -> list[datetime.date]:
    """The past days to rebuild: weekly for a year, every month end, and the last week daily."""
    end = min(story_end, today)
    start = end - datetime.timedelta(weeks=HISTORY_WEEKS)
    dates = {end - datetime.timedelta(weeks=w) for w in range(HISTORY_WEEKS + 1)}
    dates |= {end - datetime.timedelta(days=d) for d in range(DAILY_DAYS)}
    day = start
    while day <= end:
        next_day = day + datetime.timedelta(days=1)
        if next_day.month != day.month:
            dates.add(day)
        day = next_day
    return sorted(d for d in dates if d < today)


def seed(stdout: TextIO, story_end: datetime.date) -> None:
    today = timezone.localdate()
    dates = history_dates(story_end, today)
    for on in dates:
        recompute_all(as_of=on)
    summary = recompute_all()
    stdout.write(
        f"  matrix: {summary.lines_scored} lines and {summary.ocgs_scored} OCGs scored and "
        f"ranked; history rebuilt for {len(dates)} days up to {dates[-1] if dates else today}\n"
    )
