"""The cells of a list's rows when a list writes its rows in Python (a `tables` module's
format string per row) rather than through the template engine cell by cell: fifty rows of eight
or nine cells, each value looked up, filtered and escaped by the engine, were most of a list
page's Python calls (issue 18). These give what the engine would have written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator, add_truncation_text, calculate_truncate_chars_length
from django.utils.translation import get_language, pgettext

from kentsoc.org.scoping import CONTRIBUTE

_MARKER = 987654321
# (URL name, script prefix) -> the link's text before and after the id.
_patterns: dict[tuple[str, str], tuple[str, str]] = {}


def record_url(name: str, pk: int) -> str:
    """`reverse(name, args=[pk])` for a URL taking one integer id, reversed once per process:
    `reverse()` walks the resolver each time (about a hundred Python calls), so the pattern is
    reversed with a marker for the id and each row's link is the pattern with its id written in,
    which is what `reverse()` gives for an `<int:pk>` route."""
    key = (name, get_script_prefix())
    parts = _patterns.get(key)
    if parts is None:
        url = reverse(name, args=[_MARKER])
        marker = str(_MARKER)
        if url.count(marker) != 1:
            raise ValueError(f"{name} does not take one id: {url}")
        before, _, after = url.partition(marker)
        parts = _patterns[key] = (before, after)
    return f"{parts[0]}{int(pk)}{parts[1]}"


def record_link(name: str) -> Callable[[int], str]:
    """`record_url` bound to one URL name for a page's rows: the script prefix (a context-local
    read, about ten Python calls) is read once, not once a row."""
    record_url(name, 0)
    before, after = _patterns[(name, get_script_prefix())]
    return lambda pk: f"{before}{int(pk)}{after}"


def shown(value: Any, default: str = "") -> Any:
    """`{{ value }}` (numbers and dates localized as the engine does), or `default` for None."""
    if value is None:
        return default
    # An int is written as it is: the project does not group thousands (USE_THOUSAND_SEPARATOR).
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return value
    return localize(value)


def shared_tag(row: Any) -> SafeString:
    """includes/shared_tag.html: whose the lent row is (`lent_by`) and what its share lets the
    reader do (`lent_access`)."""
    return format_html(
        '\n<span class="tag tag--yellow" data-testid="shared-tag">Shared by {} · {}</span>\n',
        row.lent_by,
        "may add" if row.lent_access == CONTRIBUTE else "read-only",
    )


# html.escape's five replacements as one pass over the text: each character maps on its own, so
# the result is the same ("&" first matters only when replacing in turn).
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"})


def escaped(value: Any) -> str:
    """`conditional_escape(value)` as text: HTML as it is, anything else escaped, without
    format_html's per-value lazy-string and wrapper checks."""
    if type(value) is str:
        return value.translate(_ESCAPES)
    if hasattr(value, "__html__"):
        return value.__html__()
    return str(value).translate(_ESCAPES)


def format_row(template: str, **cells: Any) -> SafeString:
    """`format_html(template, **cells)` for a row's format string: each cell escaped unless it is
    already HTML, as format_html does (`escaped`; a list's rows have hundreds of cells)."""
    return SafeString(template.format(**{name: escaped(value) for name, value in cells.items()}))


# (language, length) -> (characters kept, the truncation text): translated once per language.
_truncations: dict[tuple[str | None, int], tuple[int, str]] = {}


def truncated(text: str, length: int) -> str:
    """`Truncator(text).chars(length)`: Django translates its ellipsis twice and tests every
    character of the text for combining, a call each, for every text it is given, shortened or
    not (fifty summaries a list page). A text of ASCII characters only (none combines with
    another, and NFC leaves it as it is) is measured and cut here, the truncation text
    translated once per language; any other text is Truncator's."""
    text = str(text)
    if length <= 0 or not text.isascii():
        return Truncator(text).chars(length)
    if len(text) <= length:
        return text
    key = (get_language(), length)
    found = _truncations.get(key)
    if found is None:
        ellipsis = pgettext("String to return when truncating text", "%(truncated_text)s…")
        found = _truncations[key] = (calculate_truncate_chars_length(length, ellipsis), ellipsis)
    keep, ellipsis = found
    return add_truncation_text(text[:keep], ellipsis)


def lent_row(template: str, row: Any, **cells: Any) -> SafeString:
    """A row another force lends by a share: linked to the share, not to the record, and marked
    with whose it is (`template` names the cells `url`, `lent_by` and `shared`)."""
    return format_row(
        template,
        url=record_url("sharing:detail", row.lent_share_id),
        lent_by=row.lent_by,
        shared=shared_tag(row),
        **cells,
    )
