"""A court result is about one person: it is seen with the disruption that led to it and only by
those who may see that person (need to know), on the court results list, its CSV and the API."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from ocg.choices import OcgStatus
from tests.factories import (
    MembershipFactory,
    make_disruption,
    make_nominal,
    make_ocg,
    make_sentence,
)

pytestmark = pytest.mark.django_db


def test_court_results_name_only_people_the_reader_may_see(
    client, force, lro, clgt_officer, supervisor
):
    lro_ocg = make_ocg(
        force["divisions"]["north"],
        status=OcgStatus.ADOPTED,
        members=0,
        managing_team=force["teams"]["north_local"],
        lead_responsible_officer=lro,
    )
    member = MembershipFactory(ocg=lro_ocg, nominal__last_name="Memberholt").nominal
    # Arrested with the member, in no group the LRO leads.
    stranger = make_nominal(first_name="Ottoline", last_name="Strangeworth")
    disruption = make_disruption(
        author=clgt_officer,
        team=force["teams"]["clgt_north"],
        approver=supervisor,
        ocgs=[lro_ocg],
        nominals=[member, stranger],
    )
    own = make_sentence(disruption, member, 3, 0, clgt_officer)
    other = make_sentence(disruption, stranger, 2, 6, clgt_officer)

    client.force_login(lro)
    page = client.get(reverse("disruptions:court-results")).content.decode()
    export = client.get(reverse("disruptions:court-results"), {"format": "csv"})
    csv_text = b"".join(export.streaming_content).decode()
    for body in (page, csv_text):
        assert "Memberholt" in body
        assert "Strangeworth" not in body and stranger.reference not in body
    api = APIClient()
    api.force_authenticate(lro)
    rows = api.get("/api/court-results/").json()["results"]
    assert [row["id"] for row in rows] == [own.pk]
    assert api.get(f"/api/court-results/{other.pk}/").status_code == 404
    disruption_page = client.get(reverse("disruptions:detail", args=[disruption.pk]))
    assert "Memberholt" in disruption_page.content.decode()
    assert "Strangeworth" not in disruption_page.content.decode()

    # Whoever may see both people sees both results.
    api.force_authenticate(clgt_officer)
    rows = api.get("/api/court-results/").json()["results"]
    assert sorted(row["id"] for row in rows) == sorted([own.pk, other.pk])
