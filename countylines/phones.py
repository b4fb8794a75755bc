"""UK mobile numbers as deal lines: one stored form (07700900123), many accepted spellings."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s\-().]")
_UK_MOBILE = re.compile(r"^07\d{9}$")


def normalise_mobile(raw: str) -> str | None:
    """'07700 900123', '+44 7700 900123', '0044 7700 900123' -> '07700900123'; None if not a UK
    mobile number."""
    number = _SEPARATORS.sub("", raw or "")
    if number.startswith("+44"):
        number = "0" + number[3:]
    elif number.startswith("0044"):
        number = "0" + number[4:]
    return number if _UK_MOBILE.match(number) else None


def display_mobile(number: str) -> str:
    return f"{number[:5]} {number[5:]}" if len(number) == 11 else number


def to_e164(number: str) -> str:
    """The stored national form as E.164: '07700900123' -> '+447700900123'."""
    return "+44" + number[1:] if number.startswith("0") else number


def whole_number(raw: str) -> str | None:
    """A whole UK mobile number however it was typed, in stored form, or None: the spellings
    normalise_mobile takes, and also the country code without its plus ('447700900123') and the
    number without its leading 0 ('7700-900-123'), as people copy them from phones and messages."""
    number = _SEPARATORS.sub("", raw or "")
    if re.fullmatch(r"447\d{9}", number):
        number = "0" + number[2:]
    elif re.fullmatch(r"7\d{9}", number):
        number = "0" + number
    return normalise_mobile(number)


def digits_for_search(raw: str) -> str:
    """The digits of a (possibly partial) number typed into a search box, in stored form."""
    number = _SEPARATORS.sub("", raw or "")
    if number.startswith("+44"):
        number = "0" + number[3:]
    elif number.startswith("0044"):
        number = "0" + number[4:]
    return re.sub(r"\D", "", number)
