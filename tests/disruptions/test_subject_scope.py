"""A disruption names several subjects (OCGs, lines, people, gangs), and a user may read it
through any one of them: every other subject it names is shown only through that subject's own
scope, on its page, the list and its CSV, and the API's record and list (need to know)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from ocg.choices import OcgStatus
from tests.factories import make_disruption, make_gang, make_nominal, make_ocg, make_sentence

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(force, lro, clgt_officer, supervisor, line):
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
    # A person of no group the LRO leads; East's gang, which North's CLGT does not work.
    stranger = make_nominal(first_name="Ottoline", last_name="Strangeworth")
    east_gang = make_gang(east, name="Eastbrook Hiddencrew")
    disruption = make_disruption(
        author=clgt_officer,
        team=force["teams"]["clgt_north"],
        approver=supervisor,
        lines=[line],
        ocgs=[lro_ocg, side_ocg],
        nominals=[stranger],
    )
    disruption.gangs.set([east_gang])
    make_sentence(disruption, stranger, 2, 0, clgt_officer)
    return {
        "disruption": disruption,
        "line": line,
        "lro_ocg": lro_ocg,
        "side_ocg": side_ocg,
        "stranger": stranger,
        "east_gang": east_gang,
    }


# Who reads the disruption, what of it they may see, and what they may not.
CASES = {
    # Through the OCG they lead: not the line (of no OCG of theirs), the other OCG, the person
    # (a member of none of their OCGs) or East's gang.
    "lro": (["lro_ocg"], ["line", "side_ocg", "stranger", "east_gang"]),
    # Its author, through the line: the adopted OCG and the person too, not the group in
    # development or another division's gang.
    "clgt_officer": (["line", "lro_ocg", "stranger"], ["side_ocg", "east_gang"]),
    "supervisor": (["line", "lro_ocg", "side_ocg", "stranger", "east_gang"], []),
}


def _words(subject):
    names = [subject.name] if hasattr(subject, "name") else [subject.last_name]
    return [*names, subject.reference]


def _ids(world, keys, model_field):
    kinds = {
        "ocgs": ("lro_ocg", "side_ocg"),
        "county_lines": ("line",),
        "nominals": ("stranger",),
        "gangs": ("east_gang",),
    }
    return sorted(world[k].pk for k in keys if k in kinds[model_field])


@pytest.mark.parametrize("role", CASES)
def test_pages_name_only_the_subjects_the_reader_may_see(request, client, world, role):
    user = request.getfixturevalue(role)
    shown, hidden = CASES[role]
    disruption = world["disruption"]
    client.force_login(user)
    detail = client.get(reverse("disruptions:detail", args=[disruption.pk]))
    assert detail.status_code == 200
    listing = client.get(reverse("disruptions:list"))
    export = client.get(reverse("disruptions:list"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    subjects = {row[0]: row[5] for row in rows[1:]}[disruption.reference]
    pages = {
        "detail": detail.content.decode(),
        "list": listing.content.decode(),
        "csv": subjects,
    }
    for page, body in pages.items():
        for key in shown:
            # The page names the gangs; the list and its CSV name OCGs, lines and people.
            if page != "detail" and key == "east_gang":
                continue
            for word in _words(world[key]):
                assert word in body, (role, page, key)
        for key in hidden:
            for word in _words(world[key]):
                assert word not in body, (role, page, key, word)
    # The page says how many it names that the reader may not see, never which.
    if hidden:
        assert f"{len(hidden)} other record" in pages["detail"]
    else:
        assert 'data-testid="hidden-subjects"' not in pages["detail"]
    # The court result is about the person: only for those who may see them.
    assert ("Strangeworth" in pages["detail"]) == ("stranger" in shown)


@pytest.mark.parametrize("role", CASES)
def test_api_record_and_list_give_only_the_subjects_the_reader_may_see(request, world, role):
    user = request.getfixturevalue(role)
    shown, _hidden = CASES[role]
    disruption = world["disruption"]
    api = APIClient()
    api.force_authenticate(user)
    record = api.get(f"/api/disruptions/{disruption.pk}/")
    assert record.status_code == 200
    body = record.json()
    for field in ("ocgs", "county_lines", "nominals", "gangs"):
        assert sorted(body[field]) == _ids(world, shown, field), (role, field)
    rows = api.get("/api/disruptions/").json()["results"]
    (row,) = [r for r in rows if r["id"] == disruption.pk]
    # The list's row is the record, key for key (tests/architecture/test_api_list_rows.py).
    assert json.dumps(row) == json.dumps(body)
