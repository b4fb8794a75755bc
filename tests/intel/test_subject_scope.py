"""An intelligence record names several subjects (OCGs, lines, people, gangs), and a user reads it
by the record's own scope: every subject it names is shown only through that subject's own scope,
on the record's page, the list and its CSV, and the API's record and list (need to know)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from countylines.choices import LineStatus
from kentsoc.intel.models import DefinitionEvidence
from ocg.choices import OcgStatus
from tests.factories import RecordFactory, make_gang, make_line, make_nominal, make_ocg

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(force, lro):
    north, east = force["divisions"]["north"], force["divisions"]["east"]
    lro_ocg = make_ocg(
        north,
        name="Ledgerwick Adopted",
        status=OcgStatus.ADOPTED,
        members=0,
        managing_team=force["teams"]["north_local"],
        lead_responsible_officer=lro,
    )
    # In development, behind no line: the OCGMU's, not the CLGT's nor the LRO's.
    side_ocg = make_ocg(
        north, name="Hushmoor Sidegroup", status=OcgStatus.IN_DEVELOPMENT, members=0
    )
    line = make_line(north, name="GLOWWORMQ", status=LineStatus.ACTIVE)
    # A person of no group the LRO leads; East's gang, which North's CLGT does not work.
    stranger = make_nominal(first_name="Ottoline", last_name="Strangeworth", force=north.force)
    east_gang = make_gang(east, name="Eastbrook Hiddencrew")
    record = RecordFactory(
        force=north.force,
        ocgs=[lro_ocg, side_ocg],
        county_lines=[line],
        nominals=[stranger],
    )
    record.gangs.set([east_gang])
    return {
        "record": record,
        "line": line,
        "lro_ocg": lro_ocg,
        "side_ocg": side_ocg,
        "stranger": stranger,
        "east_gang": east_gang,
    }


# Who reads the record, what it names they may see, and what they may not.
CASES = {
    # Through the OCG they lead: not the line (of no OCG of theirs), the other OCG, the person
    # (a member of none of their OCGs) or East's gang.
    "lro": (["lro_ocg"], ["line", "side_ocg", "stranger", "east_gang"]),
    # Every record of the force: not the group in development or another division's gang.
    "clgt_officer": (["line", "lro_ocg", "stranger"], ["side_ocg", "east_gang"]),
    "analyst": (["line", "lro_ocg", "side_ocg", "stranger", "east_gang"], []),
}
KINDS = {
    "ocgs": ("lro_ocg", "side_ocg"),
    "county_lines": ("line",),
    "nominals": ("stranger",),
    "gangs": ("east_gang",),
}


def _words(subject):
    return [getattr(subject, "name", None) or subject.last_name, subject.reference]


@pytest.mark.parametrize("role", CASES)
def test_the_record_page_names_only_the_subjects_the_reader_may_see(request, client, world, role):
    user = request.getfixturevalue(role)
    shown, hidden = CASES[role]
    record = world["record"]
    client.force_login(user)
    page = client.get(reverse("intel:detail", args=[record.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    for key in shown:
        for word in _words(world[key]):
            assert word in body, (role, key)
    for key in hidden:
        for word in _words(world[key]):
            assert word not in body, (role, key, word)
    if hidden:
        assert f"{len(hidden)} other record" in body
    else:
        assert 'data-testid="hidden-subjects"' not in body
    # The list names OCGs and lines by reference, its CSV people's references too.
    listing = client.get(reverse("intel:list")).content.decode()
    export = client.get(reverse("intel:list"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    (row,) = [r for r in rows[1:] if r[0] == record.reference]
    exported = " ".join(row)
    for key in hidden:
        if key == "east_gang":
            continue
        assert world[key].reference not in listing, (role, key)
        assert world[key].reference not in exported, (role, key)
    for key in shown:
        if key in KINDS["ocgs"] + KINDS["county_lines"]:
            assert world[key].reference in listing, (role, key)
        if key != "east_gang":
            assert world[key].reference in exported, (role, key)


@pytest.mark.parametrize("role", CASES)
def test_api_record_and_list_give_only_the_subjects_the_reader_may_see(request, world, role):
    user = request.getfixturevalue(role)
    shown, _hidden = CASES[role]
    record = world["record"]
    api = APIClient()
    api.force_authenticate(user)
    answer = api.get(f"/api/intelligence/{record.pk}/")
    assert answer.status_code == 200
    body = answer.json()
    for field, keys in KINDS.items():
        expected = sorted(world[k].pk for k in keys if k in shown)
        assert sorted(body[field]) == expected, (role, field)
    rows = api.get("/api/intelligence/").json()["results"]
    (row,) = [r for r in rows if r["id"] == record.pk]
    # The list's row is the record, key for key (tests/architecture/test_api_list_rows.py).
    assert json.dumps(row) == json.dumps(body)


@pytest.mark.parametrize("role", CASES)
def test_the_record_page_cites_evidence_only_on_subjects_the_reader_may_see(
    request, client, world, role, django_assert_max_num_queries
):
    user = request.getfixturevalue(role)
    shown, _hidden = CASES[role]
    record = world["record"]
    for key, criterion in (("lro_ocg", "serious_crime"), ("side_ocg", "working_together")):
        cited = DefinitionEvidence.objects.create(
            ocg=world[key], criterion=criterion, text=f"Evidence on {world[key].name}"
        )
        cited.records.add(record)
    line_evidence = DefinitionEvidence.objects.create(
        county_line=world["line"], criterion="deal_line", text="Evidence on the line"
    )
    line_evidence.records.add(record)
    client.force_login(user)
    url = reverse("intel:detail", args=[record.pk])
    client.get(url)
    # Session, user, record, audit, what it names and cites, a query per kind it names, its
    # claims and the evidence: however many subjects and citations.
    with django_assert_max_num_queries(11):
        body = client.get(url).content.decode()
    for key in ("lro_ocg", "side_ocg", "line"):
        text = f"Evidence on {world[key].name}" if key != "line" else "Evidence on the line"
        assert (text in body) == (key in shown), (role, key)
