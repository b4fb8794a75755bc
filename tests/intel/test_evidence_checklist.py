"""The evidence checklist page (issue 15 item 10): one page per OCG or county line listing every
criterion of its definition, each filled in where it is listed. An htmx post swaps that one row;
without JavaScript the same post redirects back to the page, or shows it again with the row's
errors (every one at once)."""

import re

import pytest
from django.urls import reverse

from kentsoc.audit.models import AuditEvent
from kentsoc.intel.choices import CountyLineCriterion, OcgCriterion
from kentsoc.intel.models import DefinitionEvidence
from tests import clients
from tests.factories import (
    CountyLineFactory,
    MembershipFactory,
    NominalFactory,
    OcgFactory,
    RecordFactory,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def ocg(force):
    ocg = OcgFactory(division=force["divisions"]["north"])
    for _ in range(3):
        MembershipFactory(ocg=ocg, nominal=NominalFactory())
    return ocg


@pytest.fixture
def line(force):
    return CountyLineFactory(division=force["divisions"]["north"])


def _url(**subject) -> str:
    ((kind, obj),) = subject.items()
    return f"{reverse('intel:evidence')}?{kind}={obj.pk}"


def _rows(html: str) -> list[tuple[str, str]]:
    return re.findall(r'data-testid="criterion-(\w+)" data-met="(true|false)"', html)


def test_the_page_lists_every_criterion_with_what_proves_it(coordinator, clgt_officer, ocg, line):
    html = clients.web(coordinator).get(_url(ocg=ocg)).content.decode()
    assert [code for code, _ in _rows(html)] == OcgCriterion.values
    for label in OcgCriterion.labels:
        assert label in html
    assert "group decision-making" in html
    # Three members linked and no text typed: met, and said so.
    assert ("two_or_more_individuals", "true") in _rows(html)
    assert "Met: 3 members linked." in html
    assert html.count("Needs a graded intelligence record.") == 5
    # A form on each row the officer fills in; none for the criterion the members prove.
    assert len(re.findall(r'<form method="post" action="[^"]*" class="evidence-form"', html)) == 5
    assert 'data-testid="evidence-form-two_or_more_individuals"' not in html

    html = clients.web(clgt_officer).get(_url(county_line=line)).content.decode()
    assert [code for code, _ in _rows(html)] == CountyLineCriterion.values
    assert all(met == "false" for _, met in _rows(html))
    assert html.count("Needs a graded intelligence record.") == 4
    assert "No intelligence record on this county line yet" in html


def test_an_htmx_post_answers_with_just_that_row_and_the_summary(coordinator, ocg):
    record = RecordFactory(ocgs=[ocg], reference="INT-ROW1")
    response = clients.web(coordinator).post(
        _url(ocg=ocg),
        {"criterion": "serious_crime", "text": "Class A supply", "records": [record.pk]},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert _rows(html) == [("serious_crime", "true")]
    assert html.lstrip().startswith('<li class="card criterion" id="criterion-serious_crime"')
    assert "Evidence recorded for “Serious crime”." in html and "INT-ROW1" in html
    assert 'id="evidence-summary" hx-swap-oob="true"' in html
    assert "Definition evidence missing for: Working together" in html
    evidence = DefinitionEvidence.objects.get(ocg=ocg)
    assert (evidence.criterion, evidence.text, evidence.created_by) == (
        "serious_crime",
        "Class A supply",
        coordinator,
    )
    assert list(evidence.records.all()) == [record]
    assert AuditEvent.objects.filter(
        object_type="intel.definitionevidence", object_id=str(evidence.pk), action="create"
    ).exists()


def test_a_refused_htmx_post_shows_every_error_in_the_row(coordinator, ocg):
    response = clients.web(coordinator).post(
        _url(ocg=ocg), {"criterion": "working_together", "text": "  "}, **HTMX
    )
    # htmx swaps only a 2xx answer.
    assert response.status_code == 200
    html = response.content.decode()
    assert _rows(html) == [("working_together", "false")]
    assert "This field is required." in html
    assert "“Working together” needs a graded intelligence record" in html
    assert not DefinitionEvidence.objects.exists()


def test_without_javascript_the_post_redirects_back_to_the_checklist(clgt_officer, line):
    record = RecordFactory(county_lines=[line])
    client = clients.web(clgt_officer)
    response = client.post(
        _url(county_line=line),
        {"criterion": "deal_line", "text": "Bulk texts", "records": [record.pk]},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{_url(county_line=line)}#criterion-deal_line"
    html = client.get(response["Location"]).content.decode()
    assert "Evidence recorded for “Deal line”." in html
    assert ("deal_line", "true") in _rows(html)


def test_without_javascript_a_refusal_shows_the_page_again_with_the_rows_errors(clgt_officer, line):
    unreliable = RecordFactory(county_lines=[line], source_evaluation="3")
    response = clients.web(clgt_officer).post(
        _url(county_line=line),
        {"criterion": "drug_supply", "text": "Test purchases", "records": [unreliable.pk]},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert [code for code, _ in _rows(html)] == CountyLineCriterion.values
    assert 'data-testid="error-summary-drug_supply"' in html
    assert "“Drug supply” needs a graded intelligence record" in html
    assert "Test purchases" in html  # what was typed stays
    assert "(cannot prove a criterion)" in html
    assert not DefinitionEvidence.objects.exists()


def test_a_criterion_outside_the_definition_is_refused(coordinator, ocg):
    response = clients.web(coordinator).post(
        _url(ocg=ocg), {"criterion": "deal_line", "text": "x"}, **HTMX
    )
    assert response.status_code == 400
    assert not DefinitionEvidence.objects.exists()


def test_only_the_role_that_develops_the_subject_opens_it(
    analyst, lro, clgt_officer, coordinator, researcher, supervisor, ocg, line
):
    for user in (analyst, lro):
        assert clients.web(user).get(_url(ocg=ocg)).status_code == 403
    line.ocg = ocg
    line.save(update_fields=["ocg"])
    # A CLGT officer sees this OCG (behind their line) but does not develop OCGs; and back.
    assert clients.web(clgt_officer).get(_url(ocg=ocg)).status_code == 403
    assert clients.web(coordinator).get(_url(county_line=line)).status_code == 403
    assert (
        clients.web(clgt_officer)
        .post(_url(ocg=ocg), {"criterion": "serious_crime", "text": "x"})
        .status_code
        == 403
    )
    for user in (coordinator, researcher, supervisor):
        assert clients.web(user).get(_url(ocg=ocg)).status_code == 200
    assert clients.web(supervisor).get(_url(county_line=line)).status_code == 200
    unknown = f"{reverse('intel:evidence')}?ocg=999999"
    assert clients.web(coordinator).get(unknown).status_code == 404
    assert not DefinitionEvidence.objects.exists()


def test_the_subjects_page_links_to_it_for_the_role_that_develops_it(coordinator, lro, ocg):
    page = f"/ocgs/{ocg.pk}/?tab=evidence"
    html = clients.web(coordinator).get(page).content.decode()
    assert f'href="{_url(ocg=ocg)}" data-testid="open-evidence-checklist"' in html
    ocg.lead_responsible_officer = lro
    ocg.save(update_fields=["lead_responsible_officer"])
    html = clients.web(lro).get(page).content.decode()
    assert "evidence-checklist" in html and "open-evidence-checklist" not in html
