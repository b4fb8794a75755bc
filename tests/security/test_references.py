"""A change may only name records its author may see; one they may not see is refused exactly
like one that does not exist (no existence oracle through error messages)."""

from __future__ import annotations

import json

from django.urls import reverse

from disruptions.models import Disruption
from tests.security.helpers import signed_in
from tests.security.routes import MISSING_PK


def _log_disruption(client, world, ocg_id: int):
    payload = {
        "date": "2026-01-10",
        "team": world.objects["team"].pk,
        "strand": "pursue",
        "tactic": "arrest",
        "narrative": "Fictional arrest.",
        "impact_grade": "minor",
        "impact_rationale": "One arrest.",
        "ocgs": [ocg_id],
    }
    return client.post(
        reverse("api:disruption-list"), json.dumps(payload), content_type="application/json"
    )


def test_disruption_against_an_ocg_the_author_may_not_see(world):
    client = signed_in(world, "lro_east")
    before = Disruption.objects.count()
    hidden = _log_disruption(client, world, world.pk("ocg"))
    missing = _log_disruption(client, world, MISSING_PK)
    assert hidden.status_code == missing.status_code == 400
    assert json.dumps(hidden.json()).replace(str(world.pk("ocg")), "ID") == json.dumps(
        missing.json()
    ).replace(str(MISSING_PK), "ID")
    assert Disruption.objects.count() == before
    # The LRO of that OCG may.
    assert _log_disruption(signed_in(world, "lro"), world, world.pk("ocg")).status_code == 201
