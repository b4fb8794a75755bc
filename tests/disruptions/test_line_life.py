"""A disruption against a county line falls within the line's life (issue 16 item 6): not dated
before the line was nominated, nor after it was dismantled. The service refuses it on
`county_lines`, naming the line and its date, and the page and the API say so the same way."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from countylines.choices import LineStatus
from disruptions.models import Disruption
from disruptions.services import disruptions as disruption_services
from tests.clients import api
from tests.factories import disruption_values, make_line

pytestmark = pytest.mark.django_db

NOMINATED = datetime.date(2022, 3, 1)
DISMANTLED = datetime.date(2022, 8, 31)
BEFORE = "BLAZE was nominated on 1 Mar 2022: a disruption against it cannot be dated before that"
AFTER = "BLAZE was dismantled on 31 Aug 2022: a disruption against it cannot be dated after that"


@pytest.fixture
def blaze(force):
    return make_line(
        force["divisions"]["north"],
        name="BLAZE",
        status=LineStatus.DISMANTLED,
        nominated_on=NOMINATED,
        activated_on=NOMINATED + datetime.timedelta(days=10),
        closed_on=DISMANTLED,
        closure_reason="Line holder charged.",
    )


def _create(actor, on: datetime.date, lines, **subjects):
    return disruption_services.disruption_create(
        actor=actor, values=disruption_values(None, date=on), county_lines=lines, **subjects
    )


@pytest.mark.parametrize(
    ("on", "message"),
    [(NOMINATED - datetime.timedelta(days=1), BEFORE), (DISMANTLED + datetime.timedelta(1), AFTER)],
)
def test_the_service_refuses_a_date_outside_the_lines_life(clgt_officer, blaze, on, message):
    with pytest.raises(ValidationError) as refused:
        _create(clgt_officer, on, [blaze])
    assert list(refused.value.message_dict) == ["county_lines"]
    assert message in refused.value.message_dict["county_lines"][0]
    assert not Disruption.objects.exists()


def test_the_first_and_last_days_of_the_life_are_inside_it(clgt_officer, blaze):
    for on in (NOMINATED, DISMANTLED):
        assert _create(clgt_officer, on, [blaze]).date == on


def test_a_line_still_active_has_no_end(clgt_officer, force):
    active = make_line(
        force["divisions"]["north"], status=LineStatus.ACTIVE, nominated_on=NOMINATED
    )
    assert _create(clgt_officer, datetime.date(2022, 10, 1), [active]).pk


def test_a_change_of_date_or_of_lines_is_held_to_the_same_rule(clgt_officer, blaze, ocg):
    # Several subjects at once: an OCG and a line, each a many-to-many of the disruption.
    d = _create(clgt_officer, datetime.date(2022, 6, 1), [blaze], ocgs=[ocg])
    assert list(d.county_lines.all()) == [blaze] and list(d.ocgs.all()) == [ocg]
    with pytest.raises(ValidationError) as refused:
        disruption_services.disruption_update(
            actor=clgt_officer,
            disruption=d,
            version=d.version,
            values={"date": datetime.date(2022, 9, 14)},
        )
    assert AFTER in refused.value.message_dict["county_lines"][0]
    # Against the OCG alone, the same day is fine: the rule is the line's.
    moved = disruption_services.disruption_update(
        actor=clgt_officer,
        disruption=d,
        version=d.version,
        values={"date": datetime.date(2022, 9, 14)},
        county_lines=[],
    )
    assert moved.date == datetime.date(2022, 9, 14) and not moved.county_lines.exists()


def test_the_api_answers_400_naming_the_field(clgt_officer, blaze):
    body = {
        "date": "2022-09-20",
        "county_lines": [blaze.pk],
        "strand": "pursue",
        "tactic": "arrest",
        "impact_grade": "minor",
        "impact_rationale": "One runner arrested.",
        "arrests": 1,
    }
    response = api(clgt_officer).post("/api/disruptions/", body, format="json")
    assert response.status_code == 400
    assert AFTER in response.json()["county_lines"][0]
    assert not Disruption.objects.exists()


def test_the_page_shows_the_refusal_beside_the_lines(client, clgt_officer, blaze):
    client.force_login(clgt_officer)
    form = {
        "date": "2022-02-14",
        "county_lines": [blaze.pk],
        "team": clgt_officer.officer.team_id,
        "officer": clgt_officer.pk,
        "strand": "pursue",
        "tactic": "arrest",
        "impact_grade": "minor",
        "impact_rationale": "One runner arrested.",
        "arrests": "1",
        "weapons-TOTAL_FORMS": "0",
        "weapons-INITIAL_FORMS": "0",
        "drugs-TOTAL_FORMS": "0",
        "drugs-INITIAL_FORMS": "0",
        "save": "1",
    }
    response = client.post(reverse("disruptions:create"), form)
    assert response.status_code == 200
    assert response.context["form"].errors["county_lines"] == [
        f"{BEFORE} (this one is 14 Feb 2022)."
    ]
    assert BEFORE in response.content.decode()
    assert not Disruption.objects.exists()
