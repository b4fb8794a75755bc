"""A county line names the people who work it (line holder, runners, users of an address); its
reader may not see them all: each is shown only through the people's own scope (need to know)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from countylines.choices import LineRole, LineStatus
from countylines.models import LineNominal
from ocg.choices import OcgStatus
from tests.factories import MembershipFactory, make_line, make_nominal, make_ocg

pytestmark = pytest.mark.django_db


@pytest.fixture
def line_world(force, lro):
    north = force["divisions"]["north"]
    lro_ocg = make_ocg(
        north,
        status=OcgStatus.ADOPTED,
        members=0,
        managing_team=force["teams"]["north_local"],
        lead_responsible_officer=lro,
    )
    line = make_line(north, name="GLOWWORMQ", status=LineStatus.ACTIVE, ocg=lro_ocg)
    member = MembershipFactory(ocg=lro_ocg, nominal__last_name="Memberholt").nominal
    # A runner on the OCG's line who is a member of no group the LRO leads.
    runner = make_nominal(first_name="Ottoline", last_name="Strangeworth", force=north.force)
    LineNominal.objects.create(county_line=line, nominal=member, role=LineRole.LINE_HOLDER)
    runner_link = LineNominal.objects.create(county_line=line, nominal=runner, role=LineRole.RUNNER)
    return {"line": line, "member": member, "runner": runner, "runner_link": runner_link}


def test_the_line_names_only_the_people_the_reader_may_see(client, line_world, lro, clgt_officer):
    line, member, runner = line_world["line"], line_world["member"], line_world["runner"]
    client.force_login(lro)
    body = client.get(reverse("countylines:detail", args=[line.pk])).content.decode()
    assert "Memberholt" in body
    assert "Strangeworth" not in body and runner.reference not in body
    api = APIClient()
    api.force_authenticate(lro)
    record = api.get(f"/api/county-lines/{line.pk}/").json()
    assert [n["nominal"] for n in record["nominals"]] == [member.pk]
    rows = api.get("/api/county-lines/").json()["results"]
    (row,) = [r for r in rows if r["id"] == line.pk]
    assert json.dumps(row) == json.dumps(record)
    # The line's CLGT sees every person on it.
    api.force_authenticate(clgt_officer)
    record = api.get(f"/api/county-lines/{line.pk}/").json()
    assert sorted(n["nominal"] for n in record["nominals"]) == sorted([member.pk, runner.pk])
    client.force_login(clgt_officer)
    assert (
        "Strangeworth" in client.get(reverse("countylines:detail", args=[line.pk])).content.decode()
    )
