"""What the county-line pages show, worked out in Python so templates only display it."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from django import forms as django_forms
from django.forms.models import ModelChoiceIterator
from django.http import HttpRequest
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language

from countylines import forms as f
from countylines import scores, selectors
from countylines.choices import LineStatus
from countylines.services.base import OPEN_STATUSES, PERM_CHANGE
from countylines.services.lifecycle import may
from kentsoc.web.cells import escaped, format_row, shown
from kentsoc.web.extensions import sections_for

FIELD_TEMPLATE = "includes/field.html"

# (form class, field name, language, the form's variant, the choices read) -> the field's HTML.
_drawn: dict[tuple[Hashable, ...], SafeString] = {}
# Lines' divisions x flexed or not x languages: a process sees a few dozen at most.
MAX_DRAWN = 512


def _choices_read(field: django_forms.BoundField) -> tuple[tuple[str, str], ...]:
    """A select's choices read once (a model choice reads its queryset each time it is
    iterated), left on its widget for the drawing, as text; () for a field without choices."""
    widget = field.field.widget
    if not hasattr(widget, "choices"):
        return ()
    choices = widget.choices
    if isinstance(choices, ModelChoiceIterator):
        # As the model choice iterates them, its queryset read by one plain query: its own
        # iteration reads it through a server-side cursor (iterator(): DECLARE, FETCH and
        # CLOSE, three round trips for a dozen divisions), and list() would ask its len()
        # first, a COUNT query of its own.
        empty = choices.field.empty_label
        widget.choices = [("", empty)] if empty is not None else []
        widget.choices += [choices.choice(obj) for obj in choices.queryset]
    else:
        widget.choices = list(choices)
    return tuple((str(value), str(label)) for value, label in widget.choices)


def drawn_fields(
    form: django_forms.Form, names: list[str], variant: Hashable = ()
) -> dict[str, SafeString]:
    """Each named field as includes/field.html draws it. A blank form (not posted, no initial
    value) draws the same HTML for every officer and request, given its `variant` (what its
    constructor changed: the flex form's fields are required only while the line is not flexed)
    and the choices of its selects, which are still read on every request: it is drawn once per
    process and kept under those. A posted form (its values and errors) is drawn every time.
    Drawing the page's five fields through Django's widget templates was a tenth of the line
    page's Python calls (issue 18)."""
    drawing = get_template(FIELD_TEMPLATE)
    drawn = {}
    for name in names:
        field = form[name]
        if form.is_bound or form.initial or field.field.initial is not None:
            drawn[name] = mark_safe(drawing.render({"field": field}))  # noqa: S308
            continue
        key = (type(form), name, get_language(), variant, _choices_read(field))
        html = _drawn.get(key)
        if html is None:
            if len(_drawn) >= MAX_DRAWN:
                _drawn.clear()
            # A template's output, escaped by the engine.
            html = _drawn[key] = mark_safe(drawing.render({"field": field}))  # noqa: S308
        drawn[name] = html
    return drawn


# One factor of the score's explanation, as countylines/partials/score.html wrote it row by row.
_EXPLAIN_ROW = (
    '\n      <tr data-testid="explain-{factor}">'
    '\n        <td data-label="Factor">{label}{from_data}</td>'
    '\n        <td data-label="Part">{part}</td>'
    '\n        <td data-label="Level">{level}{level_label}</td>'
    '\n        <td data-label="Points" class="num">{points}</td>'
    '\n        <td data-label="Records">{links}</td>'
    "\n      </tr>\n      "
)
_FROM_DATA = SafeString(' <span class="muted">(from the line\'s data)</span>')
_UNSCORABLE = ' <span class="tag tag--grey">unscorable</span>'
_NO_RECORDS = SafeString('<span class="muted">—</span>')


def _record_links(links: list[dict[str, Any]]) -> SafeString:
    if not links:
        return _NO_RECORDS
    written = []
    for link in links:
        label = escaped(link["label"])
        text = f'<a href="{escaped(link["url"])}">{label}</a>' if link["url"] else label
        written.append(text if link["scorable"] else text + _UNSCORABLE)
    return SafeString(", ".join(written))


def explain_rows(rows: list[dict[str, Any]]) -> SafeString:
    """The score's factors as the panel's table rows, written in Python (kentsoc.web.cells): ten
    rows of five cells through the template engine were a twentieth of the line page's calls."""
    return SafeString(
        "".join(
            format_row(
                _EXPLAIN_ROW,
                factor=row["factor"],
                label=row["label"],
                from_data=_FROM_DATA if row.get("from_data") else "",
                part=capfirst(row["part"]),
                level=shown(row["level"], "None"),
                level_label=(
                    SafeString(f" — {escaped(row['level_label'])}")
                    if row.get("level_label")
                    else ""
                ),
                points=shown(row["points"], "None"),
                links=_record_links(row["links"]),
            )
            for row in rows
        )
    )


def score_panel_context(user: Any, line: Any) -> dict[str, Any]:
    """What countylines/partials/score.html shows of a line loaded with its scores."""
    context = scores.score_context(user, line)
    return {**context, "score_rows_html": explain_rows(context["score_rows"])}


def detail_context(request: HttpRequest, line: Any, **forms: Any) -> dict[str, Any]:
    """What the line's page shows of a line read by `selectors.line_page_get`."""
    user = request.user
    is_open = line.status in OPEN_STATUSES
    can_change = user.has_perm(PERM_CHANGE) and is_open
    can_flex, can_dismantle = may(user, line, "flex"), may(user, line, "dismantle")
    can_reject = may(user, line, "reject")
    flex_form = forms.get("flex_form") or f.FlexForm(line=line)
    dismantle_form = forms.get("dismantle_form") or f.DismantleForm()
    reject_form = forms.get("reject_form") or f.RejectForm()
    deal_line_form = forms.get("deal_line_form") or f.DealLineForm()
    missing = selectors.missing_criteria_labels(line)
    deal_lines = line.page_deal_lines
    return {
        "tab": "summary",
        "districts": line.page_districts,
        "deal_lines": deal_lines,
        "warnings": [
            selectors.shared_number_warning(
                dl.number, dl.duplicate_line_id, dl.duplicate_line_reference, dl.duplicate_line_name
            )
            for dl in deal_lines
            if dl.duplicate_line_id or dl.duplicate_hidden
        ],
        "line_nominals": line.page_nominals,
        "days_to_dismantle": selectors.days_to_dismantle(line),
        "missing_labels": missing,
        "can_change": can_change,
        # The moves the line's status and the user's permission allow (services.lifecycle.MOVES).
        "can_activate": may(user, line, "activate"),
        "can_reject": can_reject,
        "can_flex": can_flex,
        "can_dismantle": can_dismantle,
        "awaiting_approval": line.status == LineStatus.NOMINATED,
        "activate_form": forms.get("activate_form"),
        # Drawn only where shown: the flex form's select reads the divisions.
        "flex_fields": drawn_fields(
            flex_form, ["division", "reason"], variant=line.flexed_division_id is None
        )
        if can_flex
        else {},
        "dismantle_fields": drawn_fields(dismantle_form, ["date", "reason"])
        if can_dismantle
        else {},
        "reject_fields": drawn_fields(reject_form, ["reason"]) if can_reject else {},
        "deal_line_fields": drawn_fields(deal_line_form, ["number"]) if can_change else {},
        "nominal_form": forms.get("nominal_form"),
        "show_safeguarding": selectors.can_see_safeguarding(user=user, line=line),
        "sections": sections_for("countyline_detail", request, line),
        **score_panel_context(user, line),
    }
