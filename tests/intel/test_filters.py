import datetime

import pytest
from django.utils import timezone

from kentsoc.intel.filters import IntelligenceRecordFilterSet
from kentsoc.intel.models import IntelligenceRecord
from tests.factories import CountyLineFactory, NominalFactory, OcgFactory, RecordFactory


@pytest.fixture
def data(force):
    north = force["divisions"]["north"]
    ocg = OcgFactory(division=north)
    line = CountyLineFactory(division=north)
    nominal = NominalFactory()
    return {
        "ocg": ocg,
        "line": line,
        "nominal": nominal,
        "a": RecordFactory(
            reference="INT-T0010",
            rms_reference="ATH/1",
            summary="Cash at a lock-up",
            information_date=datetime.date(2026, 1, 10),
            ocgs=[ocg],
            claims={"firearms": 2},
        ),
        "b": RecordFactory(
            reference="INT-T0020",
            summary="Runner in Margate",
            information_date=datetime.date(2026, 3, 10),
            source_evaluation="3",
            intelligence_assessment="C",
            handling_code="C",
            handling_conditions="x",
            county_lines=[line],
            nominals=[nominal],
            claims={"weapons": 1, "violence": 2},
        ),
        "c": RecordFactory(
            reference="INT-T0030",
            summary="Deleted one",
            information_date=datetime.date(2026, 5, 10),
            county_lines=[line],
            deleted_at=timezone.now(),
        ),
        "d": RecordFactory(
            reference="INT-T0040",
            summary="Suspected false",
            information_date=datetime.date(2026, 5, 20),
            intelligence_assessment="E",
            county_lines=[line],
        ),
    }


def refs(params):
    fs = IntelligenceRecordFilterSet(params, queryset=IntelligenceRecord.objects.all())
    assert fs.is_valid(), fs.errors
    return sorted(r.reference for r in fs.qs)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "lock-up"}, ["INT-T0010"]),
        ({"q": "t0020"}, ["INT-T0020"]),
        ({"q": "ATH/1"}, ["INT-T0010"]),
        ({"source_evaluation": "3"}, ["INT-T0020"]),
        ({"intelligence_assessment": "E"}, ["INT-T0040"]),
        ({"handling_code": "C"}, ["INT-T0020"]),
        ({"scorable": "true"}, ["INT-T0010"]),
        ({"scorable": "false"}, ["INT-T0020", "INT-T0030", "INT-T0040"]),
        ({"deleted": "true"}, ["INT-T0030"]),
        ({"deleted": "false"}, ["INT-T0010", "INT-T0020", "INT-T0040"]),
        ({"information_date_after": "2026-03-01"}, ["INT-T0020", "INT-T0030", "INT-T0040"]),
        ({"information_date_before": "2026-03-10"}, ["INT-T0010", "INT-T0020"]),
        ({"factor": "weapons"}, ["INT-T0020"]),
        ({"factor": "firearms"}, ["INT-T0010"]),
        ({}, ["INT-T0010", "INT-T0020", "INT-T0030", "INT-T0040"]),
    ],
)
def test_filter(data, params, expected):
    assert refs(params) == expected


def test_subject_filters(data):
    assert refs({"ocg": data["ocg"].pk}) == ["INT-T0010"]
    assert refs({"county_line": data["line"].pk}) == ["INT-T0020", "INT-T0030", "INT-T0040"]
    assert refs({"nominal": data["nominal"].pk}) == ["INT-T0020"]


def test_invalid_filter_values_are_reported(data):
    for params in ({"factor": "runners"}, {"source_evaluation": "9"}, {"ocg": "abc"}):
        fs = IntelligenceRecordFilterSet(params, queryset=IntelligenceRecord.objects.all())
        assert not fs.is_valid()
