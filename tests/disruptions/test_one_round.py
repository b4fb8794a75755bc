"""Every error of the disruption form shows in one round (issue 15 item 6): a missing subject is
shown with the form's own errors, not only after they are fixed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from disruptions.models import Disruption
from disruptions.services import disruptions as disruption_services
from kentsoc.dates import today
from tests.clients import web
from tests.factories import disruption_values

pytestmark = pytest.mark.django_db


def future() -> datetime.date:
    """A date the forms refuse, worked out when the test runs: a module constant is computed at
    collection, and a run that crosses midnight would then post a date that is no longer ahead."""
    return today() + datetime.timedelta(days=3)


EMPTY_ROWS = {
    "weapons-TOTAL_FORMS": "0",
    "weapons-INITIAL_FORMS": "0",
    "drugs-TOTAL_FORMS": "0",
    "drugs-INITIAL_FORMS": "0",
}


def test_the_service_check_names_every_field_and_writes_nothing(clgt_officer, force):
    with pytest.raises(ValidationError) as exc:
        disruption_services.disruption_check(
            actor=clgt_officer,
            values=disruption_values(None, date=future(), impact_rationale="", arrests=-1),
        )
    assert set(exc.value.message_dict) == {"date", "impact_rationale", "arrests", "subjects"}
    assert not Disruption.objects.exists()


def test_the_missing_subject_shows_with_the_forms_own_errors(clgt_officer):
    response = web(clgt_officer).post(
        reverse("disruptions:create"),
        {
            "date": future().isoformat(),
            "team": clgt_officer.officer.team_id,
            "officer": clgt_officer.pk,
            "strand": "pursue",
            "tactic": "",
            "impact_grade": "major",
            "impact_rationale": "",
            "arrests": "-1",
            **EMPTY_ROWS,
        },
    )
    html = response.content.decode()
    summary = html.split('data-testid="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "cannot be in the future" in summary
    assert "Explain why you chose this impact grade" in summary
    assert "a count cannot be negative" in summary
    assert 'href="#field-tactic"' in summary
    assert "Choose at least one OCG, county line, gang or nominal" in summary
    assert summary.count("cannot be in the future") == 1  # form and service: said once
    assert not Disruption.objects.exists()


def test_a_subject_the_form_refused_is_not_reported_missing(clgt_officer):
    html = (
        web(clgt_officer)
        .post(
            reverse("disruptions:create"),
            {
                "date": "2022-06-15",
                "county_lines": ["999999"],
                "team": clgt_officer.officer.team_id,
                "officer": clgt_officer.pk,
                "strand": "pursue",
                "tactic": "warrant",
                "impact_grade": "major",
                "impact_rationale": "Line holder remanded",
                **EMPTY_ROWS,
            },
        )
        .content.decode()
    )
    assert "Choose at least one OCG" not in html
    assert not Disruption.objects.exists()


def test_a_bad_seizure_row_and_the_missing_subject_show_together(clgt_officer):
    html = (
        web(clgt_officer)
        .post(
            reverse("disruptions:create"),
            {
                "date": "2022-06-15",
                "team": clgt_officer.officer.team_id,
                "officer": clgt_officer.pk,
                "strand": "pursue",
                "tactic": "warrant",
                "impact_grade": "major",
                "impact_rationale": "Line holder remanded",
                **EMPTY_ROWS,
                "drugs-TOTAL_FORMS": "1",
                "drugs-0-drug": "heroin",
                "drugs-0-amount": "3",
                "drugs-0-unit": "g",
            },
        )
        .content.decode()
    )
    assert "Choose the drug class (A, B or C)." in html
    assert "Choose at least one OCG, county line, gang or nominal" in html
    assert not Disruption.objects.exists()
