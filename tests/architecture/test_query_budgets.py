"""Every list page and API list costs exactly its pinned number of queries (query_budgets.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.generic import ListView

from countylines.choices import LineStatus
from countylines.models import CountyLine
from disruptions.choices import DisruptionStatus
from kentsoc.matrix.recompute import recompute_all
from kentsoc.web.generic import FilteredListView
from ocg.choices import OcgStatus
from ocg.models import OCG
from tests.factories import (
    days_ago,
    evidence_all,
    make_disruption,
    make_gang,
    make_line,
    make_nominal,
    make_ocg,
    make_person,
    make_record,
    make_sentence,
)
from tests.query_budgets import DETAIL_BUDGETS, QUERY_BUDGETS

pytestmark = pytest.mark.django_db

ROLES = sorted({role for _, role in QUERY_BUDGETS} | {role for *_, role in DETAIL_BUDGETS})


@pytest.fixture
def world(request, force):
    """Two of most things, in North and East, scored and ranked: every list has rows to show."""
    officers = {role: request.getfixturevalue(role) for role in ROLES}
    d = force["districts"]
    adopted = make_ocg(
        force["divisions"]["north"],
        name="Invented Quay Crew",
        status=OcgStatus.ADOPTED,
        lead_responsible_officer=request.getfixturevalue("lro"),
        managing_team=force["teams"]["north_local"],
        nominated_on=days_ago(400),
    )
    mapped = make_ocg(
        force["divisions"]["east"], status=OcgStatus.MAPPED, nominated_on=days_ago(300)
    )
    evidence_all(adopted)
    lines = [
        make_line(districts=[d["medway"]], name="KESTREL", status=LineStatus.ACTIVE, ocg=adopted),
        make_line(districts=[d["thanet"]], name="OSPREY", status=LineStatus.ACTIVE, ocg=mapped),
    ]
    for line in lines:
        evidence_all(line)
        make_person(line)
        make_record(lines=[line], ocgs=[adopted], claims={"violence": 2})
    recompute_all()
    author, supervisor = officers["clgt_officer"], officers["supervisor"]
    person = make_nominal("Riley", "Fictional")
    for status in (DisruptionStatus.APPROVED, DisruptionStatus.SUBMITTED, DisruptionStatus.DRAFT):
        disruption = make_disruption(
            author=author,
            team=force["teams"]["clgt_north"],
            status=status,
            approver=supervisor if status == DisruptionStatus.APPROVED else None,
            date=days_ago(30),
            lines=lines,
            ocgs=[adopted],
            nominals=[person],
            arrests=1,
        )
    make_sentence(disruption, person, 2, 6, author)
    # Two of North's gangs with members, lines, intelligence and disruptions.
    for name in ("Invented Row Boys", "Invented Yard Youngers"):
        gang = make_gang(
            force["divisions"]["north"], name=name, members=[(person, "member")], lines=lines
        )
        make_record(lines=lines).gangs.add(gang)
        disruption.gangs.add(gang)
    return officers


def _queries(client, path: str) -> tuple[int, int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response.status_code, len(captured), [q["sql"] for q in captured.captured_queries]


def test_every_list_costs_its_pinned_queries(client, world):
    # Every page once first, so the process is as warm as it is after any other test (caches,
    # lazily built forms and filters): the count must not depend on which test ran before.
    for path, role in QUERY_BUDGETS:
        client.force_login(world[role])
        client.get(path)
    wrong = []
    for (path, role), budget in QUERY_BUDGETS.items():
        client.force_login(world[role])
        client.get(path)  # this officer's session and permission caches
        status, count, sql = _queries(client, path)
        assert status == 200, f"{path} as {role}: {status}"
        if count != budget:
            wrong.append((path, role, budget, count, sql))
    assert not wrong, _how_to_update(wrong)


def _detail_path(url_name: str, name: str) -> str:
    model = CountyLine if url_name.startswith("countylines:") else OCG
    return reverse(url_name, args=[model.objects.get(name=name).pk])


def test_every_record_page_costs_its_pinned_queries(client, world):
    paths = {key: _detail_path(key[0], key[1]) for key in DETAIL_BUDGETS}
    for (*_, role), path in paths.items():
        client.force_login(world[role])
        client.get(path)
    wrong = []
    for key, budget in DETAIL_BUDGETS.items():
        role, path = key[2], paths[key]
        client.force_login(world[role])
        client.get(path)  # this officer's session and permission caches
        status, count, sql = _queries(client, path)
        assert status == 200, f"{path} as {role}: {status}"
        if count != budget:
            wrong.append(f"    {key!r}: {count},  # was {budget}\n" + "\n".join(sql))
    assert not wrong, "Set in tests/query_budgets.py DETAIL_BUDGETS, if intended:\n" + "\n".join(
        wrong
    )


def _how_to_update(wrong: list[tuple]) -> str:
    lines = [
        f'    ("{path}", "{role}"): {count},  # was {budget}'
        for path, role, budget, count, _ in wrong
    ]
    first = "\n".join(wrong[0][4])
    return (
        "Query counts differ from tests/query_budgets.py. If the change is intended, set:\n"
        + "\n".join(lines)
        + f"\n\nThe queries of {wrong[0][0]} as {wrong[0][1]}:\n{first}"
    )


def test_every_list_page_and_api_list_has_a_budget():
    """A new list (a filtered list page, or an API viewset's list route) gets a budget too."""

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), p

    pinned = {path for path, _ in QUERY_BUDGETS}
    lists = set()
    for route, pattern in walk(get_resolver().url_patterns):
        if "<" in route or "(?P" in route or route.startswith("admin/"):
            continue
        view = getattr(pattern.callback, "view_class", None)
        actions = getattr(pattern.callback, "actions", None) or {}
        is_list_view = view is not None and issubclass(view, (FilteredListView, ListView))
        if is_list_view or actions.get("get") == "list":
            lists.add("/" + route.replace("^", "").replace("$", ""))
    assert {"/ocgs/", "/api/ocgs/"} <= lists  # the walk finds both kinds of list
    assert sorted(lists - pinned) == []
