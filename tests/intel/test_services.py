import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from countylines.models import CountyLine
from kentsoc.audit.models import AuditEvent
from kentsoc.dates import today
from kentsoc.intel.models import FactorClaim, IntelligenceRecord
from kentsoc.intel.services.records import (
    intelligence_create,
    intelligence_delete,
    intelligence_update,
)
from ocg.models import OCG
from tests.factories import CountyLineFactory, NominalFactory, OcgFactory


@pytest.fixture
def line(force):
    return CountyLineFactory(division=force["divisions"]["north"])


@pytest.fixture
def ocg(force):
    return OcgFactory(division=force["divisions"]["north"])


def _args(**overrides):
    args = {
        "rms_reference": "ATH/26/0001",
        "information_date": timezone.localdate() - datetime.timedelta(days=2),
        "summary": "Fictional: BLAZE line advertising in Margate.",
        "source_evaluation": "1",
        "intelligence_assessment": "B",
        "handling_code": "P",
    }
    args.update(overrides)
    return args


def _rescores(callbacks):
    """(subject_type, id) of every rescore enqueued on commit."""
    found = []
    for cb in callbacks:
        keywords = getattr(cb, "keywords", None) or {}
        args = getattr(cb, "args", ())
        if "subject_type" in keywords:
            found.append((keywords["subject_type"], keywords["subject_id"]))
        elif len(args) == 2 and args[0] in ("ocg", "county_line"):
            found.append(tuple(args))
    return sorted(found)


def test_create_writes_record_claims_audit_and_marks_subjects_stale(
    analyst, line, ocg, django_capture_on_commit_callbacks
):
    nominal = NominalFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        record = intelligence_create(
            actor=analyst,
            **_args(),
            county_lines=[line.pk],
            ocgs=[ocg.pk],
            nominals=[nominal.pk],
            factor_claims=[{"factor": "weapons", "level": 2}, {"factor": "firearms", "level": 1}],
        )
    assert record.reference == f"INT-{record.pk:06d}"
    assert record.owning_team == analyst.officer.team
    assert record.created_by == analyst and record.version == 1
    assert sorted((c.factor, c.level) for c in record.factor_claims.all()) == [
        ("firearms", 1),
        ("weapons", 2),
    ]
    assert list(record.nominals.all()) == [nominal]
    assert _rescores(callbacks) == [("county_line", line.pk), ("ocg", ocg.pk)]
    line.refresh_from_db()
    ocg.refresh_from_db()
    assert line.score_stale_since is not None and ocg.score_stale_since is not None
    event = AuditEvent.objects.get(object_type="intel.intelligencerecord")
    assert event.action == "create" and event.changes["factor_claims"] == {
        "firearms": 1,
        "weapons": 2,
    }


def test_given_reference_is_kept(analyst, line):
    record = intelligence_create(
        actor=analyst, **_args(reference="OP-ZEUS-1"), county_lines=[line.pk]
    )
    assert record.reference == "OP-ZEUS-1"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"source_evaluation": "4"}, "source_evaluation"),
        ({"intelligence_assessment": "F"}, "intelligence_assessment"),
        ({"handling_code": "X"}, "handling_code"),
        ({"handling_code": "C", "handling_conditions": "  "}, "handling_conditions"),
        ({"information_date": lambda: today() + datetime.timedelta(days=1)}, "information_date"),
        ({"information_date": None}, "information_date"),
        ({"summary": "   "}, "summary"),
        ({"reference": "INT-000777"}, "reference"),
        ({"reference": "X" * 21}, "reference"),
        ({"rms_reference": "A" * 41}, "rms_reference"),
        ({"county_lines": []}, "ocgs"),  # no subject at all
        ({"county_lines": [99999]}, "county_lines"),
        ({"factor_claims": [{"factor": "runners", "level": 1}]}, "factor_claims"),
        ({"factor_claims": [{"factor": "ocg_link", "level": 1}]}, "factor_claims"),
        ({"factor_claims": [{"factor": "recency", "level": 1}]}, "factor_claims"),
        ({"factor_claims": [{"factor": "weapons", "level": 3}]}, "factor_claims"),
        ({"factor_claims": [{"factor": "weapons", "level": -1}]}, "factor_claims"),
        ({"factor_claims": [{"factor": "firearms", "level": 1}]}, "factor_claims"),  # OCG factor
        ({"factor_claims": [{"factor": "nonsense", "level": 1}]}, "factor_claims"),
        ({"factor_claims": [{"factor": "weapons", "level": "x"}]}, "factor_claims"),
        (
            {
                "factor_claims": [
                    {"factor": "weapons", "level": 1},
                    {"factor": "weapons", "level": 2},
                ]
            },
            "factor_claims",
        ),
    ],
)
def test_create_refuses_bad_input_with_field_message_and_saves_nothing(
    analyst, line, overrides, field, django_capture_on_commit_callbacks
):
    # A date is passed as the function that works it out, called now, not at collection.
    overrides = {name: value() if callable(value) else value for name, value in overrides.items()}
    args = {**_args(), "county_lines": [line.pk], **overrides}
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(ValidationError) as caught,
    ):
        intelligence_create(actor=analyst, **args)
    assert field in caught.value.message_dict, caught.value.message_dict
    assert caught.value.message_dict[field][0]
    assert not IntelligenceRecord.objects.exists()
    assert not callbacks
    assert not CountyLine.objects.filter(score_stale_since__isnull=False).exists()


def test_multiple_criminality_cannot_be_claimed_on_an_ocg(researcher, ocg):
    with pytest.raises(ValidationError) as caught:
        intelligence_create(
            actor=researcher,
            **_args(),
            ocgs=[ocg.pk],
            factor_claims=[{"factor": "multiple_criminality", "level": 2}],
        )
    assert "worked out from the subject's own data" in caught.value.message_dict["factor_claims"][0]


def test_claims_need_a_scored_subject(analyst):
    with pytest.raises(ValidationError) as caught:
        intelligence_create(
            actor=analyst,
            **_args(),
            nominals=[NominalFactory().pk],
            factor_claims=[{"factor": "violence", "level": 1}],
        )
    assert "need an OCG or a county line" in caught.value.message_dict["factor_claims"][0]


def test_a_claim_valid_for_one_of_the_subject_types_is_accepted(analyst, line, ocg):
    record = intelligence_create(
        actor=analyst,
        **_args(),
        ocgs=[ocg.pk],
        county_lines=[line.pk],
        factor_claims=[{"factor": "cuckooing", "level": 1}, {"factor": "corruption", "level": 3}],
    )
    assert record.factor_claims.count() == 2


def test_conditions_required_for_code_c_and_dropped_for_p(analyst, line):
    record = intelligence_create(
        actor=analyst,
        **_args(handling_code="C", handling_conditions="Not to be shared with partners"),
        county_lines=[line.pk],
    )
    assert record.handling_conditions == "Not to be shared with partners"
    other = intelligence_create(
        actor=analyst, **_args(handling_conditions="left over"), county_lines=[line.pk]
    )
    assert other.handling_conditions == ""
    event = AuditEvent.objects.filter(object_id=str(record.pk)).get()
    assert "Not to be shared" not in str(event.changes)


def test_subjects_must_be_visible_to_the_actor(clgt_officer, ocg):
    # CLGT officers see only OCGs that are behind a county line.
    with pytest.raises(ValidationError) as caught:
        intelligence_create(actor=clgt_officer, **_args(), ocgs=[ocg.pk])
    assert "ocgs" in caught.value.message_dict


@pytest.mark.parametrize("role", ["auditor", "clio", "lro", "outsider"])
def test_create_needs_permission(request, role, line):
    actor = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        intelligence_create(actor=actor, **_args(), county_lines=[line.pk])


def test_update_diffs_bumps_version_and_rescores_old_and_new_subjects(
    analyst, line, ocg, force, django_capture_on_commit_callbacks
):
    record = intelligence_create(
        actor=analyst,
        **_args(),
        county_lines=[line.pk],
        factor_claims=[{"factor": "violence", "level": 1}],
    )
    CountyLine.objects.update(score_stale_since=None)
    with django_capture_on_commit_callbacks() as callbacks:
        record = intelligence_update(
            actor=analyst,
            record=record,
            version=1,
            summary="Fictional: revised.",
            county_lines=[],
            ocgs=[ocg.pk],
            factor_claims=[{"factor": "violence", "level": 3}],
        )
    assert record.version == 2 and record.summary == "Fictional: revised."
    assert list(record.county_lines.all()) == [] and list(record.ocgs.all()) == [ocg]
    assert list(record.factor_claims.values_list("factor", "level")) == [("violence", 3)]
    assert _rescores(callbacks) == [("county_line", line.pk), ("ocg", ocg.pk)]
    event = AuditEvent.objects.get(action="update")
    assert event.changes["summary"][1] == "Fictional: revised."
    assert event.changes["county_lines"] == [[line.pk], []]
    assert event.changes["factor_claims"] == [{"violence": 1}, {"violence": 3}]


def test_update_with_a_stale_version_is_refused_and_nothing_changes(analyst, line):
    record = intelligence_create(actor=analyst, **_args(), county_lines=[line.pk])
    intelligence_update(actor=analyst, record=record, version=1, summary="First edit")
    with pytest.raises(ValidationError) as caught:
        intelligence_update(actor=analyst, record=record, version=1, summary="Second edit")
    assert "Someone else changed this record" in caught.value.message_dict["version"][0]
    record.refresh_from_db()
    assert record.summary == "First edit" and record.version == 2


def test_update_validates_claims_against_the_new_subjects(analyst, line, ocg):
    record = intelligence_create(
        actor=analyst,
        **_args(),
        county_lines=[line.pk],
        factor_claims=[{"factor": "cuckooing", "level": 1}],
    )
    with pytest.raises(ValidationError) as caught:
        intelligence_update(actor=analyst, record=record, county_lines=[], ocgs=[ocg.pk])
    assert "'cuckooing' is not a factor for OCGs" in caught.value.message_dict["factor_claims"][0]


def test_update_without_changes_writes_nothing(analyst, line):
    record = intelligence_create(actor=analyst, **_args(), county_lines=[line.pk])
    intelligence_update(actor=analyst, record=record, summary=record.summary)
    record.refresh_from_db()
    assert record.version == 1 and not AuditEvent.objects.filter(action="update").exists()


def test_only_owning_team_or_supervisor_may_change_conditions(analyst, supervisor, force, line):
    from tests.factories import OfficerFactory, UserFactory

    record = intelligence_create(
        actor=analyst,
        **_args(handling_code="C", handling_conditions="Secret"),
        county_lines=[line.pk],
    )
    outsider_analyst = OfficerFactory(
        user=UserFactory(username="analyst2"), role="analyst", team=force["teams"]["soc"]
    ).user
    with pytest.raises(ValidationError) as caught:
        intelligence_update(actor=outsider_analyst, record=record, handling_code="P")
    assert "handling_conditions" in caught.value.message_dict
    # Other fields stay editable without touching the conditions.
    intelligence_update(actor=outsider_analyst, record=record, summary="Edited elsewhere")
    intelligence_update(actor=supervisor, record=record, handling_conditions="Secret, revised")
    record.refresh_from_db()
    assert record.handling_conditions == "Secret, revised"


def test_delete_is_soft_audited_with_reason_and_rescores(
    analyst, line, django_capture_on_commit_callbacks
):
    record = intelligence_create(
        actor=analyst,
        **_args(),
        county_lines=[line.pk],
        factor_claims=[{"factor": "weapons", "level": 2}],
    )
    with django_capture_on_commit_callbacks() as callbacks:
        intelligence_delete(actor=analyst, record=record, reason="Duplicate of INT-000001")
    record.refresh_from_db()
    assert record.deleted_at is not None and record.deleted_reason == "Duplicate of INT-000001"
    assert not record.is_scorable and FactorClaim.objects.filter(record=record).exists()
    assert _rescores(callbacks) == [("county_line", line.pk)]
    event = AuditEvent.objects.get(action="delete")
    assert event.reason == "Duplicate of INT-000001"
    with pytest.raises(ValidationError):
        intelligence_delete(actor=analyst, record=record, reason="again")
    with pytest.raises(ValidationError):
        intelligence_update(actor=analyst, record=record, summary="x")


def test_delete_and_update_need_permission(analyst, clio, lro, line):
    record = intelligence_create(actor=analyst, **_args(), county_lines=[line.pk])
    for actor in (clio, lro):
        with pytest.raises(PermissionDenied):
            intelligence_delete(actor=actor, record=record, reason="x")
        with pytest.raises(PermissionDenied):
            intelligence_update(actor=actor, record=record, summary="x")
    assert OCG.objects.count() == 0
