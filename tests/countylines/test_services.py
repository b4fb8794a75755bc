import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from countylines import selectors
from countylines.choices import LineRole, LineStatus
from countylines.models import (
    CountyLine,
    CountyLineStatusChange,
    DealLine,
    FlexPeriod,
    LineNominal,
)
from countylines.services.deal_lines import line_add_deal_line
from countylines.services.lifecycle import line_activate, line_dismantle, line_flex, line_reject
from countylines.services.lines import line_nominate, line_set_ocg, line_update
from countylines.services.nominals import line_add_nominal, line_remove_nominal
from kentsoc.audit.models import AuditEvent
from ocg.choices import OcgStatus
from ocg.models import OCG
from tests.factories import evidence_all, make_line, make_nominal

TODAY = datetime.date.today


def _nominate(actor, force, **overrides):
    d = force["districts"]
    kwargs = {
        "name": "VIPER",
        "exporting_area": "Croydon",
        "importing_districts": [d["canterbury"].pk, d["thanet"].pk],
        "deal_lines": ["07700 900201", "+44 7700 900202"],
    }
    kwargs.update(overrides)
    return line_nominate(actor=actor, **kwargs)


def _line_audit(line):
    return AuditEvent.objects.filter(object_type="countylines.countyline", object_id=str(line.pk))


class TestNominate:
    def test_saves_a_nominated_line(self, force, clgt_officer):
        nominal = make_nominal()
        line = _nominate(
            clgt_officer, force, nominals=[{"nominal": nominal.pk, "role": LineRole.RUNNER}]
        )
        line.refresh_from_db()
        assert line.reference == f"CL-{line.pk:04d}"
        assert line.status == LineStatus.NOMINATED
        assert line.division == force["divisions"]["east"]
        assert line.nominated_on == TODAY()
        links = list(line.line_districts.order_by("position"))
        assert [(x.district.code, x.is_primary) for x in links] == [("CAN", True), ("THA", False)]
        assert sorted(line.deal_lines.values_list("number", flat=True)) == [
            "07700900201",
            "07700900202",
        ]
        assert list(line.line_nominals.values_list("nominal_id", "role")) == [
            (nominal.pk, "runner")
        ]
        change = CountyLineStatusChange.objects.get(county_line=line)
        assert (change.from_status, change.to_status, change.changed_by) == (
            "",
            LineStatus.NOMINATED,
            clgt_officer,
        )
        assert _line_audit(line).filter(action="create", actor=clgt_officer).count() == 1

    @pytest.mark.parametrize(
        ("numbers", "message"),
        [
            (["07700 90012"], "is not a UK mobile number"),
            (["01632 960123"], "is not a UK mobile number"),
            (["07700 900123", "07700900123"], "07700 900123 is entered more than once"),
            ([], "Enter at least one deal-line number"),
        ],
    )
    def test_bad_deal_lines_save_nothing(self, force, clgt_officer, numbers, message):
        with pytest.raises(ValidationError) as exc:
            _nominate(clgt_officer, force, deal_lines=numbers)
        assert message in " ".join(exc.value.message_dict["deal_lines"])
        assert CountyLine.objects.count() == 0

    def test_district_outside_the_force_is_refused(self, force, clgt_officer):
        with pytest.raises(ValidationError) as exc:
            _nominate(
                clgt_officer, force, importing_districts=[force["districts"]["medway"].pk, 999999]
            )
        assert exc.value.message_dict["importing_districts"] == [
            "District 999999 is not a district of this force."
        ]
        assert CountyLine.objects.count() == 0

    def test_repeated_or_missing_districts_are_refused(self, force, clgt_officer):
        medway = force["districts"]["medway"].pk
        with pytest.raises(ValidationError) as exc:
            _nominate(clgt_officer, force, importing_districts=[medway, medway])
        assert "listed more than once" in exc.value.message_dict["importing_districts"][0]
        with pytest.raises(ValidationError) as exc:
            _nominate(clgt_officer, force, importing_districts=[])
        assert "importing_districts" in exc.value.message_dict

    def test_all_errors_reported_together(self, force, clgt_officer):
        with pytest.raises(ValidationError) as exc:
            _nominate(clgt_officer, force, name=" ", exporting_area="", ocg=424242)
        assert set(exc.value.message_dict) == {"name", "exporting_area", "ocg"}

    def test_number_on_another_line_is_allowed_but_flagged(self, force, clgt_officer, line):
        new = _nominate(clgt_officer, force, deal_lines=["07700 900123"])
        warnings = selectors.deal_line_warnings(
            selectors.line_get(user=clgt_officer, pk=new.pk), user=clgt_officer
        )
        assert warnings == [
            {
                "number": "07700900123",
                "county_line": line.pk,
                "reference": line.reference,
                "message": f"07700 900123 is also a deal line of {line.reference} BLAZE.",
            }
        ]

    def test_unknown_nominal_and_bad_role(self, force, clgt_officer):
        nominal = make_nominal()
        with pytest.raises(ValidationError) as exc:
            _nominate(
                clgt_officer,
                force,
                nominals=[
                    {"nominal": 424242, "role": "runner"},
                    {"nominal": nominal.pk, "role": "boss"},
                ],
            )
        errors = " ".join(exc.value.message_dict["nominals"])
        assert "'boss' is not a line role" in errors and "Nominal 424242 does not exist" in errors

    def test_needs_the_permission(self, force, clio, analyst):
        for user in (clio, analyst):
            with pytest.raises(PermissionDenied, match="add_countyline"):
                _nominate(user, force)


class TestUpdate:
    def test_stale_version_refused(self, line, clgt_officer):
        line_update(actor=clgt_officer, line=line, version=1, name="BLAZE 2")
        with pytest.raises(ValidationError) as exc:
            line_update(actor=clgt_officer, line=line, version=1, exporting_area="Brent")
        assert "Someone else changed this record" in exc.value.message_dict["version"][0]
        line.refresh_from_db()
        assert (line.name, line.exporting_area, line.version) == ("BLAZE 2", "Lambeth", 2)

    def test_moving_primary_district_moves_division_and_marks_stale(
        self, force, line, clgt_officer, django_capture_on_commit_callbacks
    ):
        maidstone = force["districts"]["maidstone"]
        with django_capture_on_commit_callbacks() as callbacks:
            line_update(
                actor=clgt_officer, line=line, version=1, importing_districts=[maidstone.pk]
            )
        line.refresh_from_db()
        assert line.division == force["divisions"]["west"]
        assert line.score_stale_since is not None
        assert len(callbacks) == 1
        event = _line_audit(line).get(action="update")
        assert event.changes["division"] == [
            force["divisions"]["north"].pk,
            force["divisions"]["west"].pk,
        ]


class TestNominals:
    def test_add_runner_marks_stale_and_remove(self, line, clgt_officer):
        nominal = make_nominal()
        link = line_add_nominal(
            actor=clgt_officer, line=line, nominal=nominal.pk, role=LineRole.RUNNER
        )
        line.refresh_from_db()
        assert line.score_stale_since is not None
        with pytest.raises(ValidationError, match="already linked as runner"):
            line_add_nominal(actor=clgt_officer, line=line, nominal=nominal.pk, role="runner")
        line_remove_nominal(actor=clgt_officer, line=line, link_id=link.pk)
        assert not LineNominal.objects.filter(county_line=line).exists()
        assert _line_audit(line).filter(action="update").count() == 2

    def test_bad_nominal_input(self, line, clgt_officer):
        with pytest.raises(ValidationError) as exc:
            line_add_nominal(actor=clgt_officer, line=line, nominal=999999, role="boss")
        assert set(exc.value.message_dict) == {"nominal", "role"}


class TestDealLines:
    def test_add_normalises_and_refuses_repeats(self, line, clgt_officer):
        dl = line_add_deal_line(actor=clgt_officer, line=line, number="+44 7700 900555")
        assert dl.number == "07700900555"
        with pytest.raises(ValidationError, match="already a deal line of this line"):
            line_add_deal_line(actor=clgt_officer, line=line, number="07700900555")
        with pytest.raises(ValidationError) as exc:
            line_add_deal_line(actor=clgt_officer, line=line, number="12345")
        assert "not a UK mobile number" in exc.value.message_dict["number"][0]
        assert DealLine.objects.filter(county_line=line).count() == 2


class TestActivate:
    def test_refused_naming_missing_criteria(self, line, supervisor):
        evidence_all(line, except_=("deal_line", "drug_supply"))
        with pytest.raises(ValidationError) as exc:
            line_activate(actor=supervisor, line=line)
        assert exc.value.messages == [
            f"{line.reference} cannot go on the matrix yet: definition evidence is missing for "
            "Deal line, Drug supply."
        ]
        line.refresh_from_db()
        assert line.status == LineStatus.NOMINATED

    def test_supervisor_puts_it_on_the_matrix(
        self, line, supervisor, django_capture_on_commit_callbacks
    ):
        evidence_all(line)
        with django_capture_on_commit_callbacks() as callbacks:
            line_activate(actor=supervisor, line=line)
        line.refresh_from_db()
        assert (line.status, line.activated_on) == (LineStatus.ACTIVE, TODAY())
        assert line.score_stale_since is not None and len(callbacks) == 1
        assert line.status_changes.filter(to_status="active", changed_by=supervisor).exists()

    def test_only_a_supervisor(self, line, clgt_officer):
        evidence_all(line)
        with pytest.raises(PermissionDenied, match="Only a supervisor"):
            line_activate(actor=clgt_officer, line=line)

    def test_only_from_nominated(self, force, supervisor):
        active = make_line(districts=[force["districts"]["thanet"]], status=LineStatus.ACTIVE)
        with pytest.raises(ValidationError, match="Only a nominated line"):
            line_activate(actor=supervisor, line=active)


class TestDismantle:
    @pytest.mark.parametrize(
        ("days", "reason", "field", "message"),
        [
            (-61, "Arrests", "date", "cannot be before the nomination"),
            (1, "Arrests", "date", "cannot be in the future"),
            (0, "  ", "reason", "Give the reason"),
            (None, "Arrests", "date", "Enter the date"),
        ],
    )
    def test_bad_input_saves_nothing(self, line, clgt_officer, days, reason, field, message):
        date = None if days is None else TODAY() + datetime.timedelta(days=days)
        with pytest.raises(ValidationError) as exc:
            line_dismantle(actor=clgt_officer, line=line, date=date, reason=reason)
        assert message in exc.value.message_dict[field][0]
        line.refresh_from_db()
        assert line.status == LineStatus.NOMINATED and line.closed_on is None

    def test_dismantled_with_days_from_nomination(self, line, clgt_officer):
        on = line.nominated_on + datetime.timedelta(days=25)
        line_dismantle(actor=clgt_officer, line=line, date=on, reason="Line holder charged")
        line = selectors.line_get(user=clgt_officer, pk=line.pk)
        assert line.status == LineStatus.DISMANTLED
        assert selectors.days_to_dismantle(line) == 25
        assert [dl.active_to for dl in line.deal_lines.all()] == [on]
        with pytest.raises(ValidationError, match="already dismantled"):
            line_dismantle(actor=clgt_officer, line=line, date=on, reason="again")


class TestReject:
    def test_reject_needs_reason_and_supervisor(self, line, supervisor, clgt_officer):
        with pytest.raises(PermissionDenied):
            line_reject(actor=clgt_officer, line=line, reason="No evidence")
        with pytest.raises(ValidationError) as exc:
            line_reject(actor=supervisor, line=line, reason="")
        assert "reason" in exc.value.message_dict
        line_reject(actor=supervisor, line=line, reason="Not a county line")
        line.refresh_from_db()
        assert (line.status, line.closure_reason) == (LineStatus.REJECTED, "Not a county line")


class TestFlex:
    def test_flex_to_central_and_end_it(self, force, line, supervisor):
        central = force["divisions"]["central"]
        line_flex(actor=supervisor, line=line, division=central, reason="Cross-county")
        line.refresh_from_db()
        assert (line.flexed_division, line.flex_reason) == (central, "Cross-county")
        period = FlexPeriod.objects.get(county_line=line)
        assert (period.division, period.ended_on) == (central, None)
        assert (
            CountyLine.objects.with_effective_division().get(pk=line.pk).effective_division_id
            == central.pk
        )
        line_flex(actor=supervisor, line=line, division=None)
        line.refresh_from_db()
        period.refresh_from_db()
        assert line.flexed_division is None and period.ended_on == TODAY()
        assert _line_audit(line).filter(action="update").count() == 2

    def test_reflex_closes_the_open_period(self, force, line, supervisor):
        line_flex(actor=supervisor, line=line, division=force["divisions"]["east"], reason="A")
        line_flex(actor=supervisor, line=line, division=force["divisions"]["west"], reason="B")
        assert (
            FlexPeriod.objects.filter(county_line=line, ended_on__isnull=True).get().division.code
            == "WEST"
        )

    @pytest.mark.parametrize(
        ("division", "reason", "field", "message"),
        [
            ("east", "", "reason", "Give the reason for the flex"),
            ("north", "x", "division", "home division"),
            (None, "", "division", "not flexed"),
        ],
    )
    def test_refusals(self, force, line, supervisor, division, reason, field, message):
        target = force["divisions"][division] if division else None
        with pytest.raises(ValidationError) as exc:
            line_flex(actor=supervisor, line=line, division=target, reason=reason)
        assert message in exc.value.message_dict[field][0]
        line.refresh_from_db()
        assert line.flexed_division is None and not FlexPeriod.objects.exists()

    def test_only_a_supervisor(self, force, line, clgt_officer):
        east = force["divisions"]["east"]
        with pytest.raises(PermissionDenied):
            line_flex(actor=clgt_officer, line=line, division=east, reason="x")


def test_set_ocg_marks_stale(force, line, clgt_officer):
    # A mapped OCG: CLGT officers see those, so they may link a line to one.
    ocg = OCG.objects.create(
        name="Fictional Crew",
        division=force["divisions"]["north"],
        nominated_on=TODAY(),
        status=OcgStatus.MAPPED,
    )
    line_set_ocg(actor=clgt_officer, line=line, ocg=ocg.pk)
    line.refresh_from_db()
    assert line.ocg == ocg and line.score_stale_since is not None
    with pytest.raises(ValidationError):
        line_set_ocg(actor=clgt_officer, line=line, ocg=999999)
