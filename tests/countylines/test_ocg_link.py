"""A CLGT officer links a new line to a mapped or adopted OCG, never to one in development."""

import pytest

from ocg.choices import OcgStatus
from ocg.models import OCG
from tests import clients
from tests.factories import make_ocg

pytestmark = pytest.mark.django_db


def _post(user, force, ocg):
    d = force["districts"]
    return clients.api(user).post(
        "/api/county-lines/",
        {
            "name": "KESTREL",
            "exporting_area": "Hackney",
            "importing_districts": [d["thanet"].pk],
            "deal_lines": ["07700 900411"],
            "ocg": ocg.pk,
        },
        format="json",
    )


def test_clgt_officer_links_a_new_line_to_a_mapped_ocg(force, clgt_officer):
    mapped = make_ocg(division=force["divisions"]["east"], status=OcgStatus.MAPPED)
    assert mapped in OCG.objects.visible_to(clgt_officer)
    response = _post(clgt_officer, force, mapped)
    assert response.status_code == 201, response.json()
    assert response.json()["ocg"] == mapped.pk


def test_an_ocg_in_development_stays_hidden_from_line_teams(force, clgt_officer, clio):
    developing = make_ocg(division=force["divisions"]["east"], status=OcgStatus.IN_DEVELOPMENT)
    assert developing not in OCG.objects.visible_to(clgt_officer)
    assert developing not in OCG.objects.visible_to(clio)
    response = _post(clgt_officer, force, developing)
    assert response.status_code == 400
    assert "ocg" in response.json()
