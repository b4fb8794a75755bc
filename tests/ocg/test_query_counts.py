"""Query counts of every OCG and nominal list, page and API list: the same with a little data as
with a lot (no query per row, member, record or action)."""

import datetime

import pytest

from kentsoc.dates import today
from kentsoc.intel.models import DefinitionEvidence
from ocg.choices import MembershipRole, OcgStatus
from ocg.models import Membership, PlanAction
from ocg.services import lifecycle
from tests import clients
from tests.factories import evidence_all, make_nominal, make_ocg, make_record
from tests.ocg.conftest import count_queries


@pytest.fixture
def adopted(supervisor, lro, north, force):
    ocg = make_ocg(division=north, status=OcgStatus.MAPPED, name="Adopted Alliance")
    evidence_all(ocg)
    return lifecycle.ocg_adopt(
        actor=supervisor,
        ocg=ocg,
        managing_team=force["teams"]["north_local"].pk,
        lead_responsible_officer=lro.pk,
    )


def _grow(ocg, lro, n: int) -> None:
    """More of everything a page of this OCG or its people shows."""
    for i in range(n):
        person = make_nominal()
        Membership.objects.create(ocg=ocg, nominal=person, role=MembershipRole.MEMBER)
        other = make_ocg(division=ocg.division, name=f"Other {i}", members=1)
        Membership.objects.create(ocg=other, nominal=person, role=MembershipRole.ASSOCIATE)
        record = make_record(ocgs=[ocg], claims=[("violence", 1 + i % 3)])
        record.nominals.add(person, ocg.memberships.first().nominal)
        DefinitionEvidence.objects.create(
            ocg=ocg, criterion="serious_crime", text=f"More evidence {i}"
        ).records.add(record)
        PlanAction.objects.create(
            ocg=ocg,
            strand=["pursue", "prevent", "protect", "prepare"][i % 4],
            description=f"Action {i}",
            owner=lro,
            due_on=today() + datetime.timedelta(days=i - 2),
        )


@pytest.mark.parametrize(
    "tab", ["summary", "evidence", "members", "intelligence", "plan", "history"]
)
def test_detail_tabs(coordinator, lro, adopted, tab):
    c = clients.web(coordinator)
    _grow(adopted, lro, 1)
    few = count_queries(lambda: c.get(f"/ocgs/{adopted.pk}/", {"tab": tab}))
    _grow(adopted, lro, 6)
    assert count_queries(lambda: c.get(f"/ocgs/{adopted.pk}/", {"tab": tab})) == few


@pytest.mark.parametrize(
    "url",
    [
        "/ocgs/{pk}/network.json",
        "/ocgs/{pk}/score/",
        "/api/ocgs/{pk}/",
        "/api/ocgs/{pk}/plan/",
        "/api/ocgs/{pk}/network/",
    ],
)
def test_one_ocg_reads(coordinator, lro, adopted, url):
    c = clients.api(coordinator) if url.startswith("/api/") else clients.web(coordinator)
    url = url.format(pk=adopted.pk)
    _grow(adopted, lro, 1)
    few = count_queries(lambda: c.get(url))
    _grow(adopted, lro, 6)
    assert count_queries(lambda: c.get(url)) == few


def test_nominal_page_and_api(coordinator, lro, adopted):
    person = adopted.memberships.first().nominal
    c, api = clients.web(coordinator), clients.api(coordinator)
    _grow(adopted, lro, 1)
    page, one = (
        count_queries(lambda: c.get(f"/nominals/{person.pk}/")),
        count_queries(lambda: api.get(f"/api/nominals/{person.pk}/")),
    )
    for i in range(6):
        Membership.objects.create(
            ocg=make_ocg(division=adopted.division, name=f"Also {i}", members=1),
            nominal=person,
            role=MembershipRole.ENABLER,
        )
    _grow(adopted, lro, 3)
    assert count_queries(lambda: c.get(f"/nominals/{person.pk}/")) == page
    assert count_queries(lambda: api.get(f"/api/nominals/{person.pk}/")) == one


@pytest.mark.parametrize(
    "url",
    ["/api/nominals/", "/nominals/?format=csv", "/ocgs/?format=csv", "/nominals/search/?q=Test"],
)
def test_lists(coordinator, north, url):
    c = clients.api(coordinator) if url.startswith("/api/") else clients.web(coordinator)

    def fetch():
        response = c.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        return response

    make_ocg(division=north, members=2)
    few = count_queries(fetch)
    for i in range(6):
        evidence_all(make_ocg(division=north, name=f"Group {i}", members=3))
    assert count_queries(fetch) == few


def test_home_panels(coordinator, researcher, supervisor, lro, north, force):
    """Each role's OCG panels on the home page."""

    def add(n: int) -> None:
        for i in range(n):
            make_ocg(division=north, name=f"Nominated {i}")
            waiting = make_ocg(division=north, status=OcgStatus.IN_DEVELOPMENT)
            evidence_all(waiting)
            lifecycle.ocg_submit_for_mapping(actor=researcher, ocg=waiting)
            mapped = make_ocg(division=north, status=OcgStatus.MAPPED)
            evidence_all(mapped)
            lifecycle.ocg_adopt(
                actor=supervisor,
                ocg=mapped,
                managing_team=force["teams"]["north_local"].pk,
                lead_responsible_officer=lro.pk,
            )
            PlanAction.objects.create(
                ocg=mapped,
                strand="pursue",
                description="Overdue",
                owner=lro,
                due_on=today() - datetime.timedelta(days=1),
            )

    signed_in = [clients.web(user) for user in (coordinator, supervisor, lro)]
    add(1)
    few = [count_queries(lambda c=c: c.get("/")) for c in signed_in]
    add(5)
    assert [count_queries(lambda c=c: c.get("/")) for c in signed_in] == few
