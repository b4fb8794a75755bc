"""The activity summary: its sums, and its page (with CSV and print) and API, which read the same
report with the same period and scope form."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from countylines.choices import LineStatus
from disruptions.choices import DisruptionStatus
from disruptions.models import DrugSeizure, format_sentence
from kentsoc.dashboard.reports import activity_summary, nine_month_period
from kentsoc.org.choices import Rank, Role
from tests.clients import api, web
from tests.factories import (
    OfficerFactory,
    UserFactory,
    make_disruption,
    make_line,
    make_nominal,
    make_sentence,
    other_force,
)

pytestmark = pytest.mark.django_db

REPORT = "/api/reports/activity-summary/"

FEB1, OCT31 = datetime.date(2022, 2, 1), datetime.date(2022, 10, 31)


@pytest.mark.parametrize(
    ("months", "text"),
    [
        (0, "0yrs 0 months"),
        (11 + 3, "1yr 2 months"),
        (12, "1yr 0 months"),
        (1, "0yrs 1 month"),
        (106 * 12 + 10, "106yrs 10 months"),
    ],
)
def test_format_sentence_carries_months_into_years(months, text):
    assert format_sentence(months) == text


def test_default_period_is_nine_months_to_the_day():
    assert nine_month_period(OCT31) == (FEB1, OCT31)
    assert nine_month_period(datetime.date(2023, 3, 15)) == (
        datetime.date(2022, 7, 1),
        datetime.date(2023, 3, 15),
    )


@pytest.fixture
def central(force):
    return force["teams"]["central_clgt"]


@pytest.fixture
def line(force):
    return make_line(
        force["divisions"]["north"],
        status=LineStatus.ACTIVE,
        nominated_on=datetime.date(2021, 1, 1),
    )


@pytest.fixture
def nominal(db):
    return make_nominal()


@pytest.fixture
def approved(clgt_officer, supervisor, line, force):
    return make_disruption(
        author=clgt_officer,
        team=force["teams"]["clgt_north"],
        approver=supervisor,
        lines=[line],
        arrests=2,
        weapons=1,
    )


def test_sums_with_month_carry_boundaries_and_exclusions(
    force, central, central_officer, supervisor, line
):
    approve = {"author": central_officer, "team": central, "approver": supervisor, "lines": [line]}
    nominal = make_nominal()
    first = make_disruption(
        date=FEB1,
        arrests=3,
        prisoners_dealt_with=2,
        warrants_executed=1,
        charges=4,
        weapons=2,
        **approve,
    )
    last = make_disruption(
        date=OCT31,
        arrests=1,
        prisoners_dealt_with=1,
        warrants_executed=2,
        charges=1,
        weapons=1,
        **approve,
    )
    make_sentence(first, nominal, 2, 11, central_officer)
    make_sentence(last, nominal, 0, 3, central_officer)
    DrugSeizure.objects.create(
        disruption=first, drug_class="A", drug="crack", amount=10, unit="g", estimated_value=1000
    )
    DrugSeizure.objects.create(
        disruption=last, drug_class="A", drug="heroin", amount=5, unit="g", estimated_value=400
    )
    # Outside the period by one day either side, or not approved: all excluded.
    before = make_disruption(date=datetime.date(2022, 1, 31), arrests=50, **approve)
    make_sentence(before, nominal, 9, 0, central_officer)
    make_disruption(date=datetime.date(2022, 11, 1), arrests=50, **approve)
    for status in (DisruptionStatus.DRAFT, DisruptionStatus.SUBMITTED, DisruptionStatus.RETURNED):
        excluded = make_disruption(
            author=central_officer, team=central, status=status, date=FEB1, arrests=40, weapons=9
        )
        make_sentence(excluded, nominal, 7, 7, central_officer)
    # Another team's approved disruption counts for the force, not for the Central CLGT.
    make_disruption(
        author=central_officer,
        team=force["teams"]["clgt_north"],
        approver=supervisor,
        date=FEB1,
        arrests=7,
    )

    summary = activity_summary(
        force_id=force["divisions"]["north"].force_id, date_from=FEB1, date_to=OCT31, team=central
    )
    assert summary.headline_rows() == [
        ("Arrests", "4"),
        ("Prisoners dealt with", "3"),
        ("Warrants executed (Inc S32/18)", "3"),
        ("Charges-Total", "5"),
        # Two seizures (of two weapons and of one): the force counts seizures, not weapons.
        ("Weapon Seizures", "2"),
        ("Sentences", "3yrs 2 months"),
    ]
    assert summary.weapons == 3
    assert ("Weapons seized", "3") in summary.all_rows()
    assert summary.disruptions == 2
    assert [(d.drug_class, d.unit, d.amount, d.value) for d in summary.drugs] == [
        ("A", "g", 15, 1400)
    ]
    assert summary.by_strand["pursue"] == 2 and summary.by_grade["moderate"] == 2

    central_division = force["divisions"]["central"]
    by_division = activity_summary(
        force_id=force["divisions"]["north"].force_id,
        date_from=FEB1,
        date_to=OCT31,
        division=central_division,
    )
    assert by_division.arrests == 4
    north = activity_summary(
        force_id=force["divisions"]["north"].force_id,
        date_from=FEB1,
        date_to=OCT31,
        division=force["divisions"]["north"],
    )
    assert north.arrests == 7
    assert (
        activity_summary(
            force_id=force["divisions"]["north"].force_id, date_from=FEB1, date_to=OCT31
        ).arrests
        == 11
    )


def test_query_count_is_constant(
    django_assert_num_queries, force, central, central_officer, supervisor
):
    make_disruption(author=central_officer, team=central, approver=supervisor, arrests=1)
    # Warm: the first summary of a scope's shape in a process compiles its four statements by
    # running them once through the ORM (eight queries); whether an earlier test in this worker
    # already did depends on the order the suite hands tests out.
    activity_summary(
        force_id=force["divisions"]["north"].force_id, date_from=FEB1, date_to=OCT31, team=central
    )
    with django_assert_num_queries(4):
        activity_summary(
            force_id=force["divisions"]["north"].force_id,
            date_from=FEB1,
            date_to=OCT31,
            team=central,
        )
    for _ in range(15):
        make_disruption(
            author=central_officer, team=central, approver=supervisor, arrests=1, weapons=1
        )
    with django_assert_num_queries(4):
        assert (
            activity_summary(
                force_id=force["divisions"]["north"].force_id,
                date_from=FEB1,
                date_to=OCT31,
                team=central,
            ).arrests
            == 16
        )


def test_report_page_csv_print_and_bad_input(client, supervisor, approved, nominal, clgt_officer):
    make_sentence(approved, nominal, 1, 11, clgt_officer)
    client.force_login(supervisor)
    url = reverse("disruptions:reports")
    assert client.get(url).status_code == 200  # default period
    params = {"from": "2022-06-15", "to": "2022-06-15"}
    body = client.get(url, params).content.decode()
    assert "1yr 11 months" in body
    response = client.get(url, {**params, "format": "csv"})
    rows = dict(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows["Arrests"] == "2" and rows["Sentences"] == "1yr 11 months"
    printed = client.get(url, {**params, "print": "1"}).content.decode()
    assert "print-a4" in printed and "site-nav" not in printed
    bad = client.get(url, {"from": "2022-07-01", "to": "2022-06-01"})
    assert bad.status_code == 400 and "on or before its end" in bad.content.decode()
    assert client.get(url, {"from": "2022-13-45", "to": "2022-06-01"}).status_code == 400


def _count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("extra", [{}, {"print": "1"}])
def test_report_page_query_count_is_constant(client, extra, clgt_officer, supervisor, force, line):
    team = force["teams"]["clgt_north"]
    nominal = make_nominal()
    params = {"from": "2022-01-01", "to": "2022-12-31", **extra}

    def add():
        d = make_disruption(
            author=clgt_officer, team=team, approver=supervisor, lines=[line], weapons=1
        )
        make_sentence(d, nominal, 1, 1, clgt_officer)

    add()
    client.force_login(supervisor)
    url = reverse("disruptions:reports") + "?" + "&".join(f"{k}={v}" for k, v in params.items())
    _count_queries(client, url)  # warm: the process compiles the report's statements once
    one = _count_queries(client, url)
    for _ in range(8):
        add()
    assert _count_queries(client, url) == one
    assert "9yrs 9 months" in client.get(url).content.decode()


def test_report_api(supervisor, approved, nominal, clgt_officer, force):
    make_sentence(approved, nominal, 1, 11, clgt_officer)
    make_sentence(approved, nominal, 0, 3, clgt_officer)
    params = {"from": "2022-06-15", "to": "2022-06-15", "team": force["teams"]["clgt_north"].pk}
    body = api(supervisor).get(REPORT, params).json()
    assert body["arrests"] == 2 and body["weapon_seizures"] == 1
    assert body["sentences"] == {"years": 2, "months": 2, "text": "2yrs 2 months"}
    assert body["rows"][0] == {"label": "Arrests", "value": "2"}
    # The period is inclusive: a day later there is nothing.
    assert (
        api(supervisor).get(REPORT, {"from": "2022-06-16", "to": "2022-06-16"}).json()["arrests"]
        == 0
    )


def test_all_clgts_scope_is_every_clgt_divisional_and_central(
    force, central, central_officer, clgt_officer, supervisor, line
):
    teams = force["teams"]
    for team, arrests, weapons in (
        (central, 3, 2),
        (teams["clgt_north"], 5, 0),
        (teams["clgt_east"], 7, 1),
        (teams["north_local"], 100, 4),  # a local team is no CLGT
    ):
        make_disruption(
            author=clgt_officer,
            team=team,
            approver=supervisor,
            date=FEB1,
            lines=[line],
            arrests=arrests,
            weapons=weapons,
        )
    params = {"from": FEB1.isoformat(), "to": OCT31.isoformat(), "team_kind": "clgt"}
    body = api(supervisor).get(REPORT, params).json()
    assert body["scope"] == "All CLGTs (divisional and Central)"
    assert (body["arrests"], body["weapon_seizures"], body["weapons"]) == (15, 2, 3)
    central_only = api(supervisor).get(REPORT, {**params, "team": central.pk}).json()
    assert (central_only["arrests"], central_only["scope"]) == (
        3,
        "All CLGTs (divisional and Central): Central CLGT",
    )
    assert api(supervisor).get(REPORT, {**params, "team_kind": "soc"}).status_code == 400
    page = web(supervisor).get(reverse("disruptions:reports"), params).content.decode()
    assert '<option value="clgt" selected>All CLGTs (divisional and Central)</option>' in page
    assert "Weapons seized" in page


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"from": "2022-07-01", "to": "2022-06-01"}, "from", "on or before its end"),
        ({"from": "2022-13-45", "to": "2022-06-01"}, "from", "Enter a real date"),
        ({"from": "2022-06-01", "to": "yesterday"}, "to", "Enter a real date"),
        ({"to": "2022-06-01"}, "from", "first day of the period"),
        ({"from": "2022-06-01", "to": "2022-06-30", "team": "999999"}, "team", ""),
    ],
)
def test_bad_report_parameters_are_400_with_field_messages(supervisor, params, field, message):
    response = api(supervisor).get(REPORT, params)
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])


def test_report_api_needs_a_role(outsider):
    assert api(outsider).get(REPORT, {"from": "2022-01-01", "to": "2022-01-31"}).status_code == 403


def test_report_api_query_count_is_constant(clgt_officer, supervisor, force, line, nominal):
    team = force["teams"]["clgt_north"]
    client = api(supervisor)
    params = {"from": "2022-01-01", "to": "2022-12-31"}

    def add():
        d = make_disruption(
            author=clgt_officer,
            team=team,
            approver=supervisor,
            lines=[line],
            nominals=[nominal],
            weapons=1,
        )
        make_sentence(d, nominal, 1, 1, clgt_officer)

    add()
    _count_queries(client, REPORT, params)  # warm the user's permission cache
    one = _count_queries(client, REPORT, params)
    for _ in range(8):
        add()
    assert _count_queries(client, REPORT, params) == one


@pytest.mark.parametrize("team", ["٣", "²", "-1", "3.0"])
def test_a_team_is_an_id_in_ascii_digits_or_a_code(supervisor, force, team):
    """ "٣" passes isdecimal() and int(): it must not quietly mean team 3."""
    response = api(supervisor).get(REPORT, {"from": "2022-06-01", "to": "2022-06-30", "team": team})
    assert response.status_code == 400 and "team" in response.json()


def test_a_team_by_id_or_code(supervisor, force):
    team = force["teams"]["clgt_north"]
    period = {"from": "2022-06-01", "to": "2022-06-30"}
    by_id = api(supervisor).get(REPORT, {**period, "team": f" {team.pk} "}).json()
    by_code = api(supervisor).get(REPORT, {**period, "team": team.code.lower()}).json()
    assert by_id["scope"] == by_code["scope"] == team.name


def test_a_force_s_report_counts_its_own_force_s_disruptions_only(
    force, supervisor, clgt_officer, approved
):
    """ "Whole force" is the reader's force: another force's approved disruptions in the same
    period never reach its figures, on the page, in the CSV or in the API, whatever the scope."""
    wx = other_force()
    wx_supervisor = OfficerFactory(
        user=UserFactory(username="wx_supervisor"),
        role=Role.SUPERVISOR,
        rank=Rank.DS,
        team=wx["teams"]["ocgmu"],
    ).user
    wx_officer = OfficerFactory(
        user=UserFactory(username="wx_clgt"),
        role=Role.CLGT_OFFICER,
        rank=Rank.DC,
        team=wx["teams"]["clgt_north"],
    ).user
    make_disruption(
        author=wx_officer,
        team=wx["teams"]["clgt_north"],
        approver=wx_supervisor,
        arrests=500,
        weapons=40,
    )
    period = {"from": "2022-06-15", "to": "2022-06-15"}
    for params in (period, {**period, "team_kind": "clgt"}):
        mine = api(supervisor).get(REPORT, params).json()
        assert (mine["arrests"], mine["disruptions"]) == (2, 1)
        theirs = api(wx_supervisor).get(REPORT, params).json()
        assert (theirs["arrests"], theirs["disruptions"]) == (500, 1)
    page = web(supervisor).get(reverse("disruptions:reports"), {**period, "format": "csv"})
    rows = csv.reader(io.StringIO(b"".join(page.streaming_content).decode()))
    assert ["Arrests", "2"] in list(rows)
    assert (
        activity_summary(
            force_id=force["divisions"]["north"].force_id,
            date_from=datetime.date(2022, 6, 15),
            date_to=OCT31,
        ).arrests
        == 2
    )
