"""Ages and dates as the lifetime messages show them, kept small and tested on their own."""

import datetime


def age_on(date_of_birth: datetime.date, day: datetime.date) -> int:
    """Age in whole years on `day`."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - int(before_birthday)


def day_text(day: datetime.date) -> str:
    """A date as officers write it in a message: 31/01/2026."""
    return day.strftime("%d/%m/%Y")
