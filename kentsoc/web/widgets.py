"""Form widgets the filter forms share."""

from __future__ import annotations

from django_filters.widgets import DateRangeWidget


class DatePairWidget(DateRangeWidget):
    """A from/to pair of date boxes, each with its own accessible name ("Date from", "Date to").

    Django gives a widget of several inputs a <label> that points at none of them, so without
    these names a screen reader announces two unnamed date boxes (WCAG 1.3.1, 4.1.2)."""

    def __init__(self, name: str, attrs: dict | None = None) -> None:
        super().__init__(attrs={"type": "date", **(attrs or {})})
        for widget, end in zip(self.widgets, ("from", "to"), strict=True):
            widget.attrs["aria-label"] = f"{name} {end}"
