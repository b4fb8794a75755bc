"""Pickers: list filters that find an OCG, a county line, a person or an officer by what people
know of them (a name, a reference, an alias, a collar number, a deal-line number) while the filter
itself still takes an id, so the API (`?ocg=5`) and the page share one FilterSet unchanged.

A picker field is a hidden input carrying the value (an id, or a username) and a search box beside
it. Typing fetches suggestions (htmx, `picker_suggest`); each suggestion is a link to the same list
with the value chosen, so without JavaScript the search box submits with the form and the page
answers with the same links under it. A chosen value is shown by its label, re-read from the id
(a reload shows "OCG-0003 Medway Boys", not 3).

The kinds of picker are registered here by the apps that own the records (from their
AppConfig.ready(), since they sit above this layer); each search is scoped with `visible_to` and
audits what it shows as the app's own searches do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from kentsoc.org.scoping import access_for, in_serving_force
from kentsoc.org.selectors import officer_label, officer_search
from kentsoc.web.filtersets import ListFilterSet

FIND_SUFFIX = "_find"
"""The search box of the picker for field `ocg` is `ocg_find`: never a filter parameter."""
OPTIONS_TEMPLATE = "includes/picker_options.html"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    hint: str = ""


# search(user, text, query) -> the choices the user may see; query is the request's parameters,
# for the audit event. label(user, value) -> the chosen record's label, or None if it is not one
# the user may see.
Search = Callable[[Any, str, Iterable[tuple[str, Any]]], list[Choice]]
Label = Callable[[Any, str], str | None]


@dataclass(frozen=True)
class Picker:
    kind: str
    noun: str  # "OCG": "No OCG you may see matches …"
    search: Search
    label: Label
    permission: str | None = None  # needed to search at all (else 404, as for the records)

    def may_search(self, user: Any) -> bool:
        # Only officers: an account with no officer profile (or one yet to set its own password)
        # is not told who is on the force, let alone anything else.
        if access_for(user) is None:
            return False
        return not self.permission or user.has_perm(self.permission)


_pickers: dict[str, Picker] = {}


def register_picker(picker: Picker) -> Picker:
    """Add (or replace: ready() may run twice in tests) a kind of picker."""
    _pickers[picker.kind] = picker
    return picker


def get_picker(kind: str) -> Picker:
    return _pickers[kind]


def _choice_query(data: Mapping[str, Any] | None, name: str, value: str | None) -> str:
    """The list's query string with `name` set to `value` (or removed): the same filters, the
    first page, no search-box text."""
    query = QueryDict(mutable=True)
    if data is not None:
        for key in data:
            if key in (name, "page", "picker") or key.endswith(FIND_SUFFIX):
                continue
            values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
            query.setlist(key, [v for v in values if v not in ("", None)])
    if value is not None:
        query[name] = value
    return "?" + query.urlencode()


def options_context(
    *,
    picker: Picker,
    name: str,
    text: str,
    choices: list[Choice] | None,
    data: Mapping[str, Any] | None,
) -> dict[str, Any]:
    return {
        "picker_name": name,
        "picker_noun": picker.noun,
        "picker_text": text,
        "picker_choices": None
        if choices is None
        else [{"choice": c, "href": _choice_query(data, name, c.value)} for c in choices],
    }


@login_required
@require_GET
def picker_suggest(request: HttpRequest, kind: str) -> HttpResponse:
    """htmx: suggestions for the picker of the form field `?picker=<name>`, from what was typed
    in its search box (`<name>_find`); the rest of the form's fields come along so each
    suggestion links to the list with the other filters kept."""
    picker = _pickers.get(kind)
    name = request.GET.get("picker", "")
    if picker is None or not name.isidentifier() or not picker.may_search(request.user):
        raise Http404
    text = request.GET.get(f"{name}{FIND_SUFFIX}", "").strip()
    choices = picker.search(request.user, text, request.GET.lists())
    return render(
        request,
        OPTIONS_TEMPLATE,
        options_context(picker=picker, name=name, text=text, choices=choices, data=request.GET),
    )


class PickerWidget(forms.Widget):
    """The picker of one filter: the value in a hidden input, a search box with suggestions.

    The submitted value is read exactly as a text box's (`data[name]`), so a FilterSet using it
    accepts the same parameters as before; the search box's own parameter is ignored by it."""

    template_name = "includes/picker.html"

    def __init__(self, kind: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.kind = kind
        self.user: Any = None  # set per request by PickerFilterSet
        self.data: Mapping[str, Any] | None = None

    def value_from_datadict(self, data: Mapping[str, Any], files: Any, name: str) -> Any:
        self.data = data  # the other filters, for the no-JavaScript suggestions' links
        return data.get(name)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        picker = get_picker(self.kind)
        value = "" if value is None else str(value)
        label = picker.label(self.user, value) if value and self.user is not None else None
        text = (self.data or {}).get(f"{name}{FIND_SUFFIX}", "") or ""
        text = text.strip()
        choices = None
        # Without JavaScript the search box is submitted with the form: answer it here with the
        # same suggestions the type-ahead would have shown.
        if text and text != label and picker.may_search(self.user):
            choices = picker.search(self.user, text, [(f"{name}{FIND_SUFFIX}", text)])
        shown = text if choices is not None else (label or value)
        context["picker"] = {
            "kind": self.kind,
            "attrs": flatatt(context["widget"]["attrs"]),
            "value": value,
            "label": label or value,
            "text": shown,
            "clear_href": _choice_query(self.data, name, None) if value else "",
            "options": render_to_string(
                OPTIONS_TEMPLATE,
                options_context(
                    picker=picker, name=name, text=text, choices=choices, data=self.data
                ),
            ),
        }
        return context

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> str:
        # The project's templates, not the form renderer's (which sees only apps' templates);
        # a template's output is already marked safe.
        return render_to_string(self.template_name, self.get_context(name, value, attrs))


class PickerFilterSet(ListFilterSet):
    """A FilterSet whose picker fields know who is looking (to name only what they may see)."""

    @property
    def form(self) -> forms.Form:
        form = super().form
        user = getattr(self.request, "user", None)
        for field in form.fields.values():
            if isinstance(field.widget, PickerWidget):
                field.widget.user = user
        return form


def picker_filter(
    kind: str, field_name: str, *, label: str, help_text: str
) -> django_filters.NumberFilter:
    """A list filter chosen by id through the picker of `kind`; `help_text` says what it finds."""
    return django_filters.NumberFilter(
        field_name=field_name, label=label, widget=PickerWidget(kind), help_text=help_text
    )


def _officer_choices(value_of: Callable[[Any], str]) -> Search:
    def search(user: Any, text: str, query: Iterable[tuple[str, Any]]) -> list[Choice]:
        # Officers are colleagues, not police data: like the officers list, not audited.
        return [
            Choice(value_of(u), officer_label(u), u.get_username()) for u in officer_search(text)
        ]

    return search


def _officer_by_id(user: Any, value: str) -> str | None:
    if not value.isdecimal():
        return None
    found = _officers().filter(pk=value).first()
    return officer_label(found) if found else None


def _officer_by_username(user: Any, value: str) -> str | None:
    found = _officers().filter(username__iexact=value).first()
    return officer_label(found) if found else None


def _officers() -> QuerySet:
    """The people a picker may name: during a request, the officer's own force's."""
    return (
        get_user_model()
        .objects.select_related("officer")
        .filter(in_serving_force("officer__team__force"))
    )


register_picker(
    Picker(
        kind="officer",
        noun="officer",
        search=_officer_choices(lambda u: str(u.pk)),
        label=_officer_by_id,
    )
)
register_picker(
    Picker(
        kind="officer-username",
        noun="officer",
        search=_officer_choices(lambda u: u.get_username()),
        label=_officer_by_username,
    )
)
