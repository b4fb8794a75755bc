import pytest
from django.http import Http404
from django.utils import timezone

from kentsoc.intel.selectors import (
    RESTRICTED_CONDITIONS,
    can_read_conditions,
    conditions_for,
    intelligence_for_subject,
    intelligence_get,
    intelligence_list,
)
from tests.factories import CountyLineFactory, NominalFactory, OcgFactory, RecordFactory


@pytest.fixture
def records(force, lro):
    north = force["divisions"]["north"]
    lro_ocg = OcgFactory(division=north, lead_responsible_officer=lro)
    team_ocg = OcgFactory(division=north, managing_team=lro.officer.team)
    other_ocg = OcgFactory(division=north)
    line = CountyLineFactory(division=north)
    return {
        "lro": RecordFactory(ocgs=[lro_ocg]),
        "team": RecordFactory(ocgs=[team_ocg]),
        "other": RecordFactory(ocgs=[other_ocg]),
        "line": RecordFactory(county_lines=[line]),
        "lro_ocg": lro_ocg,
        "line_obj": line,
    }


@pytest.mark.parametrize(
    "role", ["analyst", "supervisor", "coordinator", "researcher", "clgt_officer"]
)
def test_case_roles_see_every_record(request, role, records):
    user = request.getfixturevalue(role)
    assert intelligence_list(user=user).count() == 4


def test_lro_sees_records_on_their_ocgs_only(lro, records):
    seen = set(intelligence_list(user=lro).values_list("pk", flat=True))
    assert seen == {records["lro"].pk, records["team"].pk}
    with pytest.raises(Http404):
        intelligence_get(user=lro, pk=records["other"].pk)


@pytest.mark.parametrize("role", ["clio", "auditor", "outsider"])
def test_other_roles_see_nothing(request, role, records):
    user = request.getfixturevalue(role)
    assert intelligence_list(user=user).count() == 0
    with pytest.raises(Http404):
        intelligence_get(user=user, pk=records["line"].pk)


def test_intelligence_for_subject(analyst, records):
    nominal = NominalFactory()
    both = RecordFactory(ocgs=[records["lro_ocg"]], nominals=[nominal])
    by_ocg = intelligence_for_subject(user=analyst, ocg=records["lro_ocg"])
    assert set(by_ocg.values_list("pk", flat=True)) == {records["lro"].pk, both.pk}
    by_line = intelligence_for_subject(user=analyst, county_line=records["line_obj"])
    assert list(by_line) == [records["line"]]
    assert list(intelligence_for_subject(user=analyst, nominal=nominal)) == [both]


def test_conditions_readable_by_owning_team_and_supervisor_only(
    analyst, supervisor, coordinator, force
):
    record = RecordFactory(
        handling_code="C",
        handling_conditions="Do not disclose to partners",
        owning_team=analyst.officer.team,
    )
    assert can_read_conditions(analyst, record)
    assert can_read_conditions(supervisor, record)
    assert not can_read_conditions(coordinator, record)
    assert conditions_for(coordinator, record) == RESTRICTED_CONDITIONS
    assert conditions_for(analyst, record) == "Do not disclose to partners"
    open_record = RecordFactory(handling_code="P")
    assert can_read_conditions(coordinator, open_record)


def test_get_returns_deleted_records_too(analyst, records):
    record = records["line"]
    record.deleted_at = timezone.now()
    record.save()
    assert intelligence_get(user=analyst, pk=record.pk).deleted_at is not None
