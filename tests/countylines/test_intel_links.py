"""A CLIO works county lines but may not open intelligence records: the line's pages name the
records behind its evidence and score without linking to pages that would refuse them."""

import pytest
from django.test import Client

from kentsoc.intel.models import DefinitionEvidence
from kentsoc.matrix.tasks import rescore_subject
from tests import clients
from tests.factories import RecordFactory, make_line

pytestmark = pytest.mark.django_db


@pytest.fixture
def line_with_intel(force, coordinator):
    line = make_line(districts=[force["districts"]["medway"]], numbers=["07700900321"])
    record = RecordFactory(county_lines=[line], claims={"violence": 2}, reference="INT-T77777")
    evidence = DefinitionEvidence.objects.create(
        county_line=line, criterion="deal_line", text="Texts offering drugs", created_by=coordinator
    )
    evidence.records.set([record])
    rescore_subject(subject_type="county_line", subject_id=line.pk)
    return line


def _pages(client: Client, line) -> dict[str, str]:
    urls = [f"/county-lines/{line.pk}/{tail}" for tail in ("", "score/", "history/")]
    return {url: client.get(url).content.decode() for url in urls}


def test_clio_sees_intel_references_as_text(line_with_intel, clio):
    pages = _pages(clients.web(clio), line_with_intel)
    assert "INT-T77777" in pages[f"/county-lines/{line_with_intel.pk}/"]
    for url, body in pages.items():
        assert 'href="/intelligence/' not in body, url


def test_analyst_gets_links_to_the_records(line_with_intel, analyst):
    body = clients.web(analyst).get(f"/county-lines/{line_with_intel.pk}/").content.decode()
    assert 'href="/intelligence/' in body
