"""One search (issue 17 item 8): every picker and every list filter that looks for a person or a
subject finds what the header's search box finds, because it calls that kind's search function
(ocg.search, countylines.search, disruptions.search, kentsoc.gangs.search), never a matcher of
its own. A misspelt name, a deal-line number in another spelling or a loosely typed reference
finds the record through each of them; a plain `icontains` on a name would not.

Every registered picker kind and every FilterSet with a text box over people or subjects must be
in the tables below, so a new one fails here until it is shown to use the one search.
"""

from __future__ import annotations

import datetime
import importlib
import re
from pathlib import Path
from typing import Any

import django_filters
import pytest
from django.apps import apps
from django.conf import settings

from disruptions.services.operations import operation_create
from kentsoc.web.pickers import _pickers
from ocg.models import Membership
from tests.factories import make_disruption, make_line, make_nominal, make_ocg

pytestmark = pytest.mark.django_db

# What to type for each kind of record, and which of the world's records it must find. Each
# query is one no list-own `icontains` on the name would answer.
TYPED: dict[str, list[tuple[str, str]]] = {
    "person": [("Jon Smyth", "person"), ("smith john", "person"), ("Johnny Smith 1990", "person")],
    "ocg": [("Harbor Crew", "ocg"), ("ocg 77", "ocg")],
    "line": [("+44 7700 900123", "line"), ("cl77", "line"), ("7700-900-123", "line")],
    "operation": [("Operation Kestrell", "operation")],
    "gang": [("gng 77", "gang")],
    # A disruption is found by its reference or by the subject it was against, named the way
    # the subjects' search finds them.
    "disruption": [("Harbor Crew", "disruption"), ("+44 7700 900123", "disruption")],
}
# Picker kind -> what it finds.
PICKERS = {
    "nominal": "person",
    "ocg": "ocg",
    "county-line": "line",
    "disruption": "disruption",
    "gang": "gang",
}
# Pickers that look for neither a person of interest nor a subject, with why.
NOT_PEOPLE_PICKERS = {
    "officer": "colleagues by name or collar number (org.selectors.officer_search)",
    "officer-username": "the same officer search, choosing by username",
}
# FilterSet model -> what its text box finds (the model's label, lower case).
FILTERED = {
    "ocg.nominal": ["person"],
    # An OCG is found by its name or reference, and by the name of a member.
    "ocg.ocg": ["ocg", "person"],
    "countylines.countyline": ["line"],
    "disruptions.operation": ["operation"],
    "gangs.gang": ["gang"],
}
# Text boxes that search something other than a name: what they read, with why.
NOT_NAMES = {
    "disruptions.disruption": "the narrative and rationale (free text)",
    "intel.intelligencerecord": "the summary and references (free text)",
    "audit.auditevent": "usernames and ids on the audit trail",
    "prevention.schoolsession": "a school session's school and topic (places and subjects taught)",
}


@pytest.fixture
def world(force, supervisor, clgt_officer) -> dict[str, Any]:
    north = force["divisions"]["north"]
    person = make_nominal("John", "Smith", datetime.date(1990, 6, 1))
    ocg = make_ocg(north, reference="OCG-0077", name="The Harbour Crew", members=0)
    Membership.objects.create(ocg=ocg, nominal=person, role="member")
    line = make_line(north, reference="CL-0077", name="BLAZE", numbers=["07700900123"])
    disruption = make_disruption(
        author=clgt_officer,
        team=force["teams"]["clgt_north"],
        approver=supervisor,
        ocgs=[ocg],
        lines=[line],
        date=datetime.date.today() - datetime.timedelta(days=3),
    )
    operation = _operation(supervisor)
    records = {
        "person": person,
        "ocg": ocg,
        "line": line,
        "disruption": disruption,
        "operation": operation,
    }
    if apps.is_installed("kentsoc.gangs"):
        records["gang"] = _gang(north)
    return records


def _operation(by: Any) -> Any:
    return operation_create(
        actor=by,
        name="Operation Kestrel",
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2024, 1, 8),
    )


def _gang(division: Any) -> Any:
    from kentsoc.gangs.models import Gang

    return Gang.objects.create(
        reference="GNG-0077", name="Eastgate Boys", area="Eastgate estate", division=division
    )


def _cases(kind: str, world: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(text, world[target]) for text, target in TYPED[kind] if target in world]


def test_every_picker_kind_is_checked():
    assert set(_pickers) - set(NOT_PEOPLE_PICKERS) <= set(PICKERS), (
        "a picker kind not shown to use the one search: add it to PICKERS"
    )


@pytest.mark.parametrize("kind", sorted(PICKERS))
def test_each_picker_finds_what_the_search_box_finds(kind, world, supervisor):
    picker = _pickers.get(kind)
    if picker is None:
        pytest.skip(f"no {kind} picker in this build")
    missed = [
        text
        for text, record in _cases(PICKERS[kind], world)
        if str(record.pk) not in {c.value for c in picker.search(supervisor, text, [])}
    ]
    assert not missed, f"the {kind} picker did not find: {missed}"


def _filtersets() -> list[type[django_filters.FilterSet]]:
    """Every FilterSet of the project's apps (their filters modules imported)."""
    for config in apps.get_app_configs():
        path = Path(config.path)
        if path.is_relative_to(settings.BASE_DIR) and ".venv" not in path.parts:
            try:
                importlib.import_module(f"{config.name}.filters")
            except ModuleNotFoundError:
                continue
    found, todo = [], [django_filters.FilterSet]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            model = getattr(getattr(sub, "_meta", None), "model", None)
            # The project's own, not a test module's stand-ins (tests/pages/test_filtersets.py).
            if sub.__module__.startswith("tests."):
                continue
            if model is not None and "q" in sub.base_filters:
                found.append(sub)
    return found


def test_every_text_filter_over_people_or_subjects_is_checked():
    labels = {f._meta.model._meta.label_lower for f in _filtersets()}
    unknown = labels - set(FILTERED) - set(NOT_NAMES)
    assert not unknown, f"text filters not shown to use the one search: {sorted(unknown)}"


@pytest.mark.parametrize("label", sorted(FILTERED))
def test_each_list_filter_finds_what_the_search_box_finds(label, world, supervisor, rf):
    classes = [f for f in _filtersets() if f._meta.model._meta.label_lower == label]
    if not classes:
        pytest.skip(f"no {label} list in this build")
    request = rf.get("/")
    request.user = supervisor
    missed = []
    for filterset_class in classes:
        model = filterset_class._meta.model
        for kind in FILTERED[label]:
            for text, record in _cases(kind, world):
                want = record if isinstance(record, model) else None
                if want is None:  # an OCG found through its member
                    want = world["ocg"]
                found = filterset_class(
                    {"q": text}, queryset=model.objects.visible_to(supervisor), request=request
                ).qs
                if not found.filter(pk=want.pk).exists():
                    missed.append(f"{filterset_class.__name__} q={text!r}")
    assert not missed, f"not found: {missed}"


# A list's or picker's own matcher on a name or reference, in the modules that hold them.
_OWN_MATCHER = re.compile(
    r"(?<![a-z_])(first_name|last_name|aliases|name|reference)__(i?contains|istartswith|iexact)"
    r"|lookup_expr=\"i?contains\""
)


# Matches on what is neither a person nor a subject, with why.
NOT_PEOPLE_MATCHERS = {
    ("kentsoc/intel/filters.py", "reference__icontains"): "an intelligence record's references",
    ("countylines/filters.py", "lookup_expr"): "a line's exporting area (a place)",
}


def test_no_filter_or_picker_module_has_a_name_matcher_of_its_own():
    """The matchers live in the apps' search modules only; a filters or pickers module that
    matches a name itself has left the one search."""
    base = Path(settings.BASE_DIR)
    offenders = []
    for path in sorted(base.glob("**/*.py")):
        if path.name not in ("filters.py", "pickers.py") or ".venv" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            found = _OWN_MATCHER.search(line)
            name = str(path.relative_to(base))
            if found and (name, found.group(0).split("=")[0]) not in NOT_PEOPLE_MATCHERS:
                offenders.append(f"{name}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)
