"""Date arithmetic for orders and ages, kept small and tested on its own."""

import calendar
import datetime


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month `months` later; the last day when that month is shorter
    (an order made on 31 January for one month ends on 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def age_on(date_of_birth: datetime.date, day: datetime.date) -> int:
    """Age in whole years on `day`."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - int(before_birthday)
