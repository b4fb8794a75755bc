"""Every error of the intelligence form shows in one round (issue 15 item 6): the form's own
messages and the service's (no subject, a claim that does not fit) together, so fixing the first
ones never reveals more."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from kentsoc.dates import today
from kentsoc.intel.models import IntelligenceRecord
from kentsoc.intel.services.records import intelligence_check
from tests.clients import web
from tests.factories import OcgFactory, RecordFactory

pytestmark = pytest.mark.django_db


def future() -> datetime.date:
    """A date the forms refuse, worked out when the test runs: a module constant is computed at
    collection, and a run that crosses midnight would then post a date that is no longer ahead."""
    return today() + datetime.timedelta(days=3)


def _field(html: str, name: str) -> str:
    return html.split(f'id="field-{name}"', 1)[1].split('<div class="field', 1)[0]


def test_the_service_check_names_every_field_at_once(analyst):
    with pytest.raises(ValidationError) as exc:
        intelligence_check(
            actor=analyst,
            information_date=future(),
            summary="",
            source_evaluation="1",
            intelligence_assessment="B",
            handling_code="C",
            handling_conditions="",
        )
    assert set(exc.value.message_dict) == {
        "information_date",
        "summary",
        "handling_conditions",
        "ocgs",
    }
    assert not IntelligenceRecord.objects.exists()


def test_a_new_record_shows_the_missing_subject_with_the_forms_own_errors(analyst):
    response = web(analyst).post(
        "/intelligence/new/",
        {
            "information_date": future().isoformat(),
            "summary": "",
            "source_evaluation": "1",
            "intelligence_assessment": "",
            "handling_code": "C",
            "handling_conditions": "",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "cannot be in the future" in _field(html, "information_date")
    assert "error-message" in _field(html, "summary")
    assert "error-message" in _field(html, "intelligence_assessment")
    # The service's own messages, in the same round as the form's.
    assert "required for handling code C" in _field(html, "handling_conditions")
    assert "Choose at least one subject" in html
    summary = html.split('data-testid="error-summary"', 1)[1].split("</div>", 1)[0]
    for anchor in ("information_date", "summary", "intelligence_assessment", "handling_conditions"):
        assert f'href="#field-{anchor}"' in summary
    assert "Choose at least one subject" in summary
    assert not IntelligenceRecord.objects.exists()


def test_a_message_shows_once_when_form_and_service_both_refuse_the_field(analyst, force):
    ocg = OcgFactory(division=force["divisions"]["north"])
    html = (
        web(analyst)
        .post(
            "/intelligence/new/",
            {
                "information_date": future().isoformat(),
                "summary": "Fictional: a van seen at a lock-up.",
                "source_evaluation": "1",
                "intelligence_assessment": "",
                "handling_code": "P",
                "ocgs": [ocg.pk],
            },
        )
        .content.decode()
    )
    assert _field(html, "information_date").count("error-message") == 1
    assert "Choose at least one subject" not in html


def test_an_edit_shows_every_error_at_once(analyst, force):
    ocg = OcgFactory(division=force["divisions"]["north"])
    record = RecordFactory(created_by=analyst)
    record.ocgs.set([ocg])
    response = web(analyst).post(
        f"/intelligence/{record.pk}/edit/",
        {
            "version": record.version,
            "information_date": future().isoformat(),
            "summary": "",
            "source_evaluation": "1",
            "intelligence_assessment": "B",
            "handling_code": "C",
            "handling_conditions": "",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "cannot be in the future" in _field(html, "information_date")
    assert "error-message" in _field(html, "summary")
    assert "required for handling code C" in _field(html, "handling_conditions")
    assert "Choose at least one subject" in html
    record.refresh_from_db()
    assert record.summary


def test_the_handling_conditions_are_not_offered_as_optional(analyst):
    html = web(analyst).get("/intelligence/new/").content.decode()
    label = html.split('<label for="id_handling_conditions">', 1)[1].split("</label>", 1)[0]
    assert "(optional)" not in label
    assert "Required for handling code C." in _field(html, "handling_conditions")
