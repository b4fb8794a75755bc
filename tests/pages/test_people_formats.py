"""The one rule for figures on pages (kentsoc.web.people, `{% load people %}`): en-GB dates,
thousands separators, pounds, plural-aware counts."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template

from kentsoc.web import people


def test_dates_and_times_read_as_people_write_them():
    assert people.day(datetime.date(2026, 12, 1)) == "1 Dec 2026"
    # A summer evening in UTC is the next morning's 00:30 in London (BST).
    late = datetime.datetime(2026, 7, 1, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert people.moment(late) == "2 Jul 2026, 00:30"
    assert people.day(late) == "2 Jul 2026"
    assert people.moment(datetime.date(2026, 12, 1)) == "1 Dec 2026"
    assert people.day_month(datetime.date(2026, 12, 1)) == "1 Dec"
    assert people.month(datetime.date(2022, 7, 1)) == "Jul 2022"
    assert people.day(None) == people.moment(None) == ""


@pytest.mark.parametrize(
    ("value", "number", "money"),
    [
        (0, "0", "£0"),
        (1257, "1,257", "£1,257"),
        (Decimal("8450.00"), "8,450", "£8,450"),
        (Decimal("8450.5"), "8,450.5", "£8,450.50"),
        (Decimal("300720"), "300,720", "£300,720"),
        ("1234567.891", "1,234,567.891", "£1,234,567.89"),
        (Decimal("-12.00"), "-12", "-£12"),
        (None, "", ""),
    ],
)
def test_numbers_and_money(value, number, money):
    assert people.number(value) == number
    assert people.money(value) == money


def test_counts_agree_with_their_number():
    assert people.count(1, "row") == "1 row"
    assert people.count(2, "row") == "2 rows"
    assert people.count(0, "row") == "0 rows"
    assert people.count(1500, "row") == "1,500 rows"
    assert people.count([object()], "seizure") == "1 seizure"
    assert people.count(1, "person,people") == "1 person"
    assert people.count(3, "person,people") == "3 people"


def test_the_template_filters_are_the_same_rules():
    html = Template(
        '{% load people %}{{ d|day }} · {{ n|number }} · {{ m|money }} · {{ k|count:"row" }}'
    ).render(Context({"d": datetime.date(2026, 1, 5), "n": 45000, "m": 8450, "k": 1}))
    assert html == "5 Jan 2026 · 45,000 · £8,450 · 1 row"
