"""Issue 6's bad input on the pages: each refusal shows a clear message at its field (the page
comes back with status 400) and nothing is saved."""

from __future__ import annotations

import datetime
import html as htmllib
import re

import pytest
from django.test import Client

from countylines.choices import LineStatus
from countylines.models import CountyLine, DealLine, FlexPeriod
from kentsoc.audit.models import AuditEvent
from kentsoc.intel.models import DefinitionEvidence
from tests import clients
from tests.factories import DistrictFactory, make_line

_ERROR = re.compile(r'<p class="error-message"[^>]*>(.*?)</p>', re.S)
_TAG = re.compile(r"<[^>]+>")


def at_field(html: str, name: str) -> list[str]:
    """The error messages shown inside the field container `field-<name>`: from its opening tag
    to the next field container (fields are siblings in every form)."""
    start = html.index(f'id="field-{name}"')
    end = html.find('id="field-', start + 1)
    chunk = html[start : end if end != -1 else len(html)]
    return [
        " ".join(htmllib.unescape(_TAG.sub("", m)).replace("Error:", "").split())
        for m in _ERROR.findall(chunk)
    ]


def _nominate(client: Client, force, **data):
    d = force["districts"]
    post = {
        "name": "ACE",
        "exporting_area": "Southwark",
        "primary_district": d["thanet"].pk,
        "deal_lines": "07700 900401",
    } | data
    return client.post("/county-lines/nominate/", post)


def _audit_count() -> int:
    return AuditEvent.objects.filter(object_type__startswith="countylines.").count()


class TestNominate:
    @pytest.mark.parametrize(
        ("numbers", "message"),
        [
            ("07700 9004", '"07700 9004" is not a UK mobile number'),
            ("01632 960123", '"01632 960123" is not a UK mobile number'),
            ("07700 900401\n+44 7700 900401", "07700 900401 is entered more than once."),
            ("  ", "This field is required."),
        ],
    )
    def test_bad_deal_lines(self, force, clgt_officer, numbers, message):
        before = _audit_count()
        response = _nominate(clients.web(clgt_officer), force, deal_lines=numbers)
        assert response.status_code == 400
        assert any(m.startswith(message) for m in at_field(response.content.decode(), "deal_lines"))
        assert not CountyLine.objects.exists() and not DealLine.objects.exists()
        assert _audit_count() == before

    def test_number_on_another_line_is_saved_and_flagged_with_a_link(
        self, force, line, clgt_officer
    ):
        client = clients.web(clgt_officer)
        check = client.get("/county-lines/deal-line-check/", {"deal_lines": "07700 900123"})
        assert f'href="/county-lines/{line.pk}/" data-testid="duplicate-link"' in (
            check.content.decode()
        )
        response = _nominate(client, force, deal_lines="07700 900123")
        assert response.status_code == 302
        new = CountyLine.objects.get(name="ACE")
        page = client.get(f"/county-lines/{new.pk}/").content.decode()
        warnings = page[page.index('data-testid="deal-line-warnings"') :]
        assert f"07700 900123 is also a deal line of {line.reference} {line.name}." in warnings
        assert f'href="/county-lines/{line.pk}/"' in warnings

    def test_primary_district_outside_the_force(self, force, clgt_officer):
        elsewhere = DistrictFactory(
            code="XXX", name="Elsewhere", division=force["divisions"]["central"]
        )
        response = _nominate(clients.web(clgt_officer), force, primary_district=elsewhere.pk)
        assert response.status_code == 400
        assert at_field(response.content.decode(), "primary_district") == [
            "That is not a district of this force: choose one from the list."
        ]
        assert not CountyLine.objects.exists()

    def test_other_district_outside_the_force(self, force, clgt_officer):
        response = _nominate(clients.web(clgt_officer), force, other_districts=[999999])
        assert response.status_code == 400
        assert at_field(response.content.decode(), "other_districts") == [
            "District 999999 is not a district of this force."
        ]
        assert not CountyLine.objects.exists()

    def test_edit_to_a_district_outside_the_force(self, force, line, clgt_officer):
        elsewhere = DistrictFactory(
            code="XXX", name="Elsewhere", division=force["divisions"]["central"]
        )
        response = clients.web(clgt_officer).post(
            f"/county-lines/{line.pk}/edit/",
            {
                "version": line.version,
                "name": line.name,
                "exporting_area": line.exporting_area,
                "primary_district": elsewhere.pk,
                "handsets_seized": 0,
            },
        )
        assert response.status_code == 400
        assert at_field(response.content.decode(), "primary_district")
        line.refresh_from_db()
        assert line.version == 1 and line.division == force["divisions"]["north"]


class TestDetailForms:
    @pytest.mark.parametrize(
        ("number", "message"),
        [
            ("0770090", '"0770090" is not a UK mobile number'),
            ("07700 900123", "07700 900123 is already a deal line of this line."),
        ],
    )
    def test_bad_deal_line(self, line, clgt_officer, number, message):
        response = clients.web(clgt_officer).post(
            f"/county-lines/{line.pk}/deal-lines/", {"number": number}
        )
        assert response.status_code == 400
        assert any(m.startswith(message) for m in at_field(response.content.decode(), "number"))
        assert list(line.deal_lines.values_list("number", flat=True)) == ["07700900123"]

    def test_deal_line_on_another_line_is_added_and_flagged(self, force, line, clgt_officer):
        other = make_line(districts=[force["districts"]["thanet"]], name="VIPER", numbers=[])
        client = clients.web(clgt_officer)
        response = client.post(f"/county-lines/{other.pk}/deal-lines/", {"number": "07700900123"})
        assert response.status_code == 302
        page = client.get(f"/county-lines/{other.pk}/").content.decode()
        assert f'href="/county-lines/{line.pk}/">also {line.reference}</a>' in page
        assert f"07700 900123 is also a deal line of {line.reference} {line.name}." in page

    def test_evidence_with_no_text(self, line, clgt_officer):
        response = clients.web(clgt_officer).post(
            f"/intelligence/evidence/?county_line={line.pk}",
            {"county_line": line.pk, "criterion": "deal_line", "text": "   "},
        )
        assert response.status_code == 400
        assert at_field(response.content.decode(), "deal_line-text") == ["This field is required."]
        assert not DefinitionEvidence.objects.exists()

    @pytest.mark.parametrize("reason", ["", "   "])
    def test_flex_without_reason(self, force, line, supervisor, reason):
        response = clients.web(supervisor).post(
            f"/county-lines/{line.pk}/flex/",
            {"flex-division": force["divisions"]["east"].pk, "flex-reason": reason},
        )
        assert response.status_code == 400
        assert at_field(response.content.decode(), "flex-reason") == [
            "Give the reason for the flex."
        ]
        line.refresh_from_db()
        assert line.flexed_division is None and line.version == 1
        assert not FlexPeriod.objects.exists()

    @pytest.mark.parametrize(
        ("days", "reason", "field", "message"),
        [
            (-1, "Charged", "dismantle-date", "The dismantling date cannot be before the "),
            (None, "Charged", "dismantle-date", "Enter the date the line was dismantled."),
            (1, "", "dismantle-reason", "Give the reason the line was dismantled."),
        ],
    )
    def test_bad_dismantle(self, line, clgt_officer, days, reason, field, message):
        on = "" if days is None else (line.nominated_on + datetime.timedelta(days=days))
        response = clients.web(clgt_officer).post(
            f"/county-lines/{line.pk}/dismantle/",
            {"dismantle-date": str(on), "dismantle-reason": reason},
        )
        assert response.status_code == 400
        assert any(m.startswith(message) for m in at_field(response.content.decode(), field))
        line.refresh_from_db()
        assert line.status == LineStatus.NOMINATED and line.closed_on is None
        assert not line.status_changes.filter(to_status=LineStatus.DISMANTLED).exists()


@pytest.mark.parametrize(
    ("page", "role"),
    [
        ("/county-lines/nominate/", "clgt_officer"),
        ("edit", "clgt_officer"),
        ("safeguarding", "clio"),
    ],
)
def test_empty_post_shows_field_messages(request, line, page, role):
    # An empty body once left the form unbound: no message at any field.
    url = page if page.startswith("/") else f"/county-lines/{line.pk}/{page}/"
    response = clients.web(request.getfixturevalue(role)).post(url)
    assert response.status_code == 400
    assert "This field is required." in " ".join(at_field(response.content.decode(), "name"))
