import pytest

from countylines.phones import digits_for_search, display_mobile, normalise_mobile


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("07700 900123", "07700900123"),
        ("07700900123", "07700900123"),
        ("+44 7700 900123", "07700900123"),
        ("0044 7700 900123", "07700900123"),
        ("07700-900-123", "07700900123"),
        ("(07700) 900123", "07700900123"),
        ("0770090012", None),
        ("077009001234", None),
        ("01632 960123", None),
        ("07700 90012x", None),
        ("", None),
    ],
)
def test_normalise_mobile(raw, expected):
    assert normalise_mobile(raw) == expected


def test_display_and_search_digits():
    assert display_mobile("07700900123") == "07700 900123"
    assert digits_for_search("+44 7700 900") == "07700900"
    assert digits_for_search("900 123") == "900123"
