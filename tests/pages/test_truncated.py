"""cells.truncated(text, n) is Django's Truncator(text).chars(n), with the truncation text
translated once per language rather than on every call."""

import pytest
from django.utils import translation
from django.utils.text import Truncator

from kentsoc.web import cells

TEXTS = [
    "",
    "Short.",
    "x" * 89,
    "x" * 90,
    "x" * 91,
    "Fictional sighting near the deal line's usual meet, two runners and a car seen twice.",
    "Fictional sighting near the deal line's usual meet, two runners and a car seen twice today.",
    "Fictional: a long text " * 10,
    "Café owner seen with the runner " * 4,
    "Cafe\u0301 owner seen with the runner " * 4,  # a combining accent, not composed
    '<b>marked up</b> & quoted "text" ' * 5,
]


@pytest.mark.parametrize("length", [0, 1, 2, 5, 89, 90, 91, 120])
@pytest.mark.parametrize("text", TEXTS)
def test_it_shortens_as_truncator_does(text, length):
    assert cells.truncated(text, length) == Truncator(text).chars(length)


def test_the_truncation_text_is_the_active_languages(monkeypatch):
    monkeypatch.setattr(cells, "pgettext", lambda context, text: "%(truncated_text)s [more]")
    cells._truncations.clear()
    with translation.override("cy"):
        shortened = cells.truncated("x" * 100, 20)
    cells._truncations.clear()

    assert shortened == "x" * 13 + " [more]"
