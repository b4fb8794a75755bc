import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disruptions.choices import DisruptionStatus
from disruptions.models import CourtResult, Disruption, Operation
from disruptions.selectors import ocg_disruption_count_6m
from disruptions.services import disruptions as disruption_services
from kentsoc.audit.models import AuditEvent
from tests.factories import (
    ForceFactory,
    disruption_values,
    make_disruption,
    make_gang,
    make_line,
    make_nominal,
    make_sentence,
)

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def draft(clgt_officer, line):
    return disruption_services.disruption_create(
        actor=clgt_officer, values=disruption_values(None), county_lines=[line]
    )


@pytest.fixture
def approved(clgt_officer, supervisor, line, force):
    return make_disruption(
        author=clgt_officer,
        team=force["teams"]["clgt_north"],
        approver=supervisor,
        lines=[line],
        arrests=2,
    )


READERS = {"clgt_officer", "supervisor", "analyst", "coordinator", "lro", "clio"}
LOGGERS = {"clgt_officer", "supervisor", "coordinator", "lro"}
PAGES = [
    ("disruptions:list", READERS),
    ("disruptions:create", LOGGERS),
    ("disruptions:mine", LOGGERS),
    ("disruptions:approvals", {"supervisor"}),
    ("disruptions:court-results", READERS),
    ("disruptions:operations", READERS),
    ("disruptions:operation-create", {"supervisor", "coordinator"}),
    ("disruptions:reports", READERS),
]
ROLES = [
    "clgt_officer",
    "supervisor",
    "analyst",
    "coordinator",
    "lro",
    "clio",
    "auditor",
    "outsider",
]


@pytest.mark.parametrize(("name", "allowed"), PAGES)
def test_page_access(request, client, name, allowed):
    url = reverse(name)
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for role in ROLES:
        user = request.getfixturevalue(role)
        login(client, user)
        status = client.get(url).status_code
        assert status == (200 if role in allowed else 403), (role, status)
        client.logout()


def test_detail_is_scoped_and_audited(client, draft, clgt_officer, analyst, force, supervisor):
    url = reverse("disruptions:detail", args=[draft.pk])
    other = make_disruption(
        author=supervisor, team=force["teams"]["clgt_east"], status=DisruptionStatus.DRAFT
    )
    login(client, clgt_officer)
    assert client.get(url).status_code == 200
    # Someone else's draft is "not found".
    assert client.get(reverse("disruptions:detail", args=[other.pk])).status_code == 404
    assert AuditEvent.objects.filter(
        action="view", object_type="disruptions.disruption", object_id=str(draft.pk)
    ).exists()
    client.logout()
    login(client, analyst)
    assert client.get(url).status_code == 200


def test_approved_disruption_visible_to_case_roles_by_subject(client, approved, lro, clio):
    url = reverse("disruptions:detail", args=[approved.pk])
    login(client, clio)  # CLIOs see every line, so its approved disruptions
    assert client.get(url).status_code == 200
    client.logout()
    login(client, lro)  # the line is not on an OCG the LRO manages
    assert client.get(url).status_code == 404


def test_log_form_creates_and_submits(client, clgt_officer, line):
    login(client, clgt_officer)
    page = client.get(reverse("disruptions:create") + f"?county_line={line.pk}")
    assert line.name in page.content.decode()  # the chip is pre-selected
    data = {
        "date": "2022-06-15",
        "county_lines": [line.pk],
        "team": clgt_officer.officer.team_id,
        "officer": clgt_officer.pk,
        "strand": "pursue",
        "tactic": "warrant",
        "narrative": "Warrant at a trap house",
        "impact_grade": "major",
        "impact_rationale": "Line holder remanded",
        "arrests": "2",
        "prisoners_dealt_with": "2",
        "warrants_executed": "1",
        "warrant_power": "s18",
        "charges": "3",
        "cash_seized": "250.00",
        "weapons-TOTAL_FORMS": "1",
        "weapons-INITIAL_FORMS": "0",
        "weapons-0-kind": "bladed",
        "weapons-0-count": "2",
        "drugs-TOTAL_FORMS": "2",
        "drugs-INITIAL_FORMS": "0",
        "drugs-0-drug_class": "A",
        "drugs-0-drug": "crack cocaine",
        "drugs-0-amount": "12",
        "drugs-0-unit": "g",
        "drugs-0-estimated_value": "1200",
        "drugs-1-unit": "g",
        "submit": "1",
    }
    response = client.post(reverse("disruptions:create"), data)
    assert response.status_code == 302
    d = Disruption.objects.get()
    assert d.status == DisruptionStatus.SUBMITTED
    assert d.weapons.get().count == 2 and d.drugs.count() == 1


def test_log_form_shows_errors_at_fields_and_saves_nothing(client, clgt_officer, line):
    login(client, clgt_officer)
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    response = client.post(
        reverse("disruptions:create"),
        {
            "date": future,
            "county_lines": [line.pk],
            "team": clgt_officer.officer.team_id,
            "officer": clgt_officer.pk,
            "strand": "pursue",
            "tactic": "warrant",
            "impact_grade": "major",
            "impact_rationale": "",
            "arrests": "-1",
            "weapons-TOTAL_FORMS": "0",
            "weapons-INITIAL_FORMS": "0",
            "drugs-TOTAL_FORMS": "1",
            "drugs-INITIAL_FORMS": "0",
            "drugs-0-drug": "heroin",
            "drugs-0-amount": "3",
            "drugs-0-unit": "g",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "a count cannot be negative" in body
    assert "Explain why you chose this impact grade" in body
    assert "Choose the drug class (A, B or C)." in body
    assert not Disruption.objects.exists()
    # The future date is refused by the service once the form itself is valid.
    response = client.post(
        reverse("disruptions:create"),
        {
            "date": future,
            "county_lines": [line.pk],
            "team": clgt_officer.officer.team_id,
            "officer": clgt_officer.pk,
            "strand": "pursue",
            "tactic": "warrant",
            "impact_grade": "major",
            "impact_rationale": "ok",
            "weapons-TOTAL_FORMS": "0",
            "weapons-INITIAL_FORMS": "0",
            "drugs-TOTAL_FORMS": "0",
            "drugs-INITIAL_FORMS": "0",
        },
    )
    assert "cannot be in the future" in response.content.decode()
    assert not Disruption.objects.exists()


def test_edit_page_only_for_the_author(client, draft, clgt_officer, supervisor):
    url = reverse("disruptions:edit", args=[draft.pk])
    login(client, supervisor)
    assert client.get(url).status_code == 403
    client.logout()
    login(client, clgt_officer)
    assert client.get(url).status_code == 200


def test_approval_flow_over_htmx(client, draft, clgt_officer, supervisor):
    login(client, clgt_officer)
    client.post(reverse("disruptions:submit", args=[draft.pk]), {"version": draft.version})
    draft.refresh_from_db()
    assert draft.status == DisruptionStatus.SUBMITTED
    client.logout()
    login(client, supervisor)
    queue = client.get(reverse("disruptions:approvals")).content.decode()
    assert draft.reference in queue
    response = client.post(
        reverse("disruptions:return", args=[draft.pk]),
        {"reason": ""},
        HTTP_HX_REQUEST="true",
    )
    assert "a reason is required" in response.content.decode()
    response = client.post(reverse("disruptions:approve", args=[draft.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "approved" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == DisruptionStatus.APPROVED


def test_return_shows_reason_in_drafts(client, draft, clgt_officer, supervisor):
    disruption_services.disruption_submit(actor=clgt_officer, disruption=draft)
    login(client, supervisor)
    client.post(reverse("disruptions:return", args=[draft.pk]), {"reason": "Add custody numbers"})
    client.logout()
    login(client, clgt_officer)
    body = client.get(reverse("disruptions:mine")).content.decode()
    assert "Add custody numbers" in body
    home = client.get(reverse("home")).content.decode()
    assert "Add custody numbers" in home


def test_home_panel_for_supervisors(client, draft, clgt_officer, supervisor):
    disruption_services.disruption_submit(actor=clgt_officer, disruption=draft)
    login(client, supervisor)
    assert "1 disruption waiting for approval" in client.get(reverse("home")).content.decode()


def test_own_disruption_cannot_be_approved_on_the_page(client, supervisor, line, force):
    d = disruption_services.disruption_create(
        actor=supervisor, values=disruption_values(force["teams"]["ocgmu"]), county_lines=[line]
    )
    disruption_services.disruption_submit(actor=supervisor, disruption=d)
    login(client, supervisor)
    assert d.reference not in client.get(reverse("disruptions:approvals")).content.decode()
    assert client.post(reverse("disruptions:approve", args=[d.pk])).status_code == 403
    d.refresh_from_db()
    assert d.status == DisruptionStatus.SUBMITTED


def test_subject_search(client, clgt_officer, line, outsider):
    login(client, clgt_officer)
    body = client.get(reverse("disruptions:subject-search"), {"q": line.name[:4]}).content
    assert line.name in body.decode()
    client.logout()
    login(client, outsider)
    assert client.get(reverse("disruptions:subject-search"), {"q": "BR"}).status_code == 403


def test_against_picker_finds_as_every_other_search(client, clgt_officer, coordinator, force):
    """The log form's "Against" picker is the one subject search (loose references, deal-line
    numbers in any spelling) and the one nominal search (names in any order)."""
    kestrel = make_line(
        force["divisions"]["north"],
        reference="CL-0042",
        name="KESTREL",
        status="active",
        numbers=["07700900142"],
    )
    person = make_nominal(first_name="Rowan", last_name="Ashdown")
    url = reverse("disruptions:subject-search")
    login(client, clgt_officer)
    for typed in ("cl 42", "+44 7700 900142", "kestrel"):
        assert "KESTREL" in client.get(url, {"q": typed}).content.decode(), typed
    client.logout()
    login(client, coordinator)
    body = client.get(url, {"q": "ashdown row"}).content.decode()
    assert f'data-id="{person.pk}"' in body and f'data-id="{kestrel.pk}"' not in body


def test_court_result_page(client, approved, clgt_officer, nominal):
    login(client, clgt_officer)
    url = reverse("disruptions:court-result-create", args=[approved.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "nominal": nominal.pk,
            "offences": "PWITS",
            "outcome": "custodial",
            "sentence_years": "2",
            "sentence_months": "14",
            "result_date": "2022-09-01",
        },
    )
    assert "0 to 11 months" in response.content.decode()
    assert "Enter the court&#x27;s name" in response.content.decode()
    client.post(
        url,
        {
            **{"nominal": nominal.pk, "offences": "PWITS", "outcome": "custodial"},
            "court": "Maidstone Crown Court",
            "sentence_years": "2",
            "sentence_months": "3",
            "result_date": "2022-09-01",
        },
    )
    result = CourtResult.objects.get()
    assert (result.sentence_display, result.court) == ("2yrs 3 months", "Maidstone Crown Court")


def test_operation_pages(client, supervisor, approved):
    login(client, supervisor)
    response = client.post(
        reverse("disruptions:operation-create"),
        {"name": "Op Ember", "start_date": "2022-06-10", "end_date": "2022-06-20"},
    )
    op = Operation.objects.get()
    assert response.status_code == 302
    disruption_services.disruption_tag_operation(
        actor=supervisor, disruption=approved, operation=op
    )
    body = client.get(reverse("disruptions:operation-detail", args=[op.pk])).content.decode()
    assert approved.reference in body
    edit = reverse("disruptions:operation-edit", args=[op.pk])
    response = client.post(
        edit,
        {
            "name": "Op Ember",
            "start_date": "2022-06-10",
            "end_date": "2022-06-01",
            "version": op.version,
        },
    )
    assert "on or after the start date" in response.content.decode()


def test_list_filters_and_csv(client, approved, draft, clgt_officer):
    login(client, clgt_officer)
    body = client.get(reverse("disruptions:list"), {"status": "approved"}).content.decode()
    assert approved.reference in body and draft.reference not in body
    response = client.get(reverse("disruptions:list"), {"status": "approved", "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Reference", "Date", "Status"]
    assert [r[0] for r in rows[1:]] == [approved.reference]
    assert AuditEvent.objects.filter(action="export").exists()
    htmx = client.get(reverse("disruptions:list"), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in htmx and approved.reference in htmx


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url_name", ["disruptions:list", "disruptions:operations", "disruptions:court-results"]
)
def test_list_query_counts_are_constant(
    client, url_name, clgt_officer, supervisor, force, line, nominal
):
    team = force["teams"]["clgt_north"]
    op = Operation.objects.create(
        force=ForceFactory(),
        name="Op A",
        start_date=datetime.date(2022, 1, 1),
        end_date=datetime.date(2022, 12, 31),
    )
    d = make_disruption(author=clgt_officer, team=team, approver=supervisor, lines=[line])
    d.operation = op
    d.save()
    make_sentence(d, nominal, 1, 1, clgt_officer)
    login(client, clgt_officer)
    one = _count_queries(client, reverse(url_name))
    for n in range(8):
        other = make_disruption(
            author=clgt_officer, team=team, approver=supervisor, lines=[line], nominals=[nominal]
        )
        other.operation = Operation.objects.create(
            force=ForceFactory(),
            name=f"Op {n}",
            start_date=datetime.date(2022, 1, 1),
            end_date=datetime.date(2022, 12, 31),
        )
        other.save()
        make_sentence(other, nominal, 1, 1, clgt_officer)
    assert _count_queries(client, reverse(url_name)) == one


def test_subject_pages_list_their_disruptions_newest_first(
    client, clgt_officer, supervisor, force, ocg, line, nominal
):
    today = timezone.localdate()
    team = force["teams"]["clgt_north"]
    subjects = {"ocgs": [ocg], "lines": [line], "nominals": [nominal]}
    older = make_disruption(
        author=clgt_officer,
        team=team,
        approver=supervisor,
        date=today - datetime.timedelta(30),
        **subjects,
    )
    newer = make_disruption(
        author=clgt_officer, team=team, approver=supervisor, date=today, **subjects
    )
    login(client, supervisor)
    for url in (
        reverse("ocg:detail", args=[ocg.pk]),
        reverse("countylines:detail", args=[line.pk]),
        reverse("ocg:nominal-detail", args=[nominal.pk]),
    ):
        body = client.get(url).content.decode()
        section = body[body.index('data-testid="subject-disruptions"') :]
        assert newer.reference in section and older.reference in section, url
        assert section.index(newer.reference) < section.index(older.reference), url
    ocg_page = client.get(reverse("ocg:detail", args=[ocg.pk])).content.decode()
    assert '<strong data-testid="disruptions-6m">2</strong>' in ocg_page


def test_six_month_count_boundaries_and_status(clgt_officer, supervisor, force, ocg):
    today = datetime.date(2022, 8, 31)
    team = force["teams"]["clgt_north"]

    def on(day, **kw):
        return make_disruption(
            author=clgt_officer, team=team, approver=supervisor, date=day, ocgs=[ocg], **kw
        )

    on(datetime.date(2022, 2, 28))  # exactly six months before: outside
    on(datetime.date(2022, 3, 1))  # the first day inside
    on(today)
    on(datetime.date(2022, 9, 1))  # after "today"
    on(today, status=DisruptionStatus.SUBMITTED)
    on(today, status=DisruptionStatus.RETURNED)
    assert ocg_disruption_count_6m(ocg, today=today) == 2


def test_operation_results_count_approved_disruptions_only(
    client, supervisor, clgt_officer, force, line
):
    op = Operation.objects.create(
        force=ForceFactory(),
        name="Op Intensification",
        start_date=datetime.date(2022, 6, 13),
        end_date=datetime.date(2022, 6, 19),
    )
    team = force["teams"]["clgt_north"]
    second = make_line(
        force["divisions"]["north"], status="active", nominated_on=datetime.date(2021, 1, 1)
    )
    counted = [
        make_disruption(author=clgt_officer, team=team, approver=supervisor, lines=lines, **kw)
        for lines, kw in (
            ([line], {"arrests": 2, "charges": 1, "handsets": 3}),
            ([line, second], {"arrests": 1, "charges": 4, "handsets": 2}),
        )
    ]
    draft = make_disruption(
        author=clgt_officer, team=team, status=DisruptionStatus.DRAFT, arrests=9, handsets=9
    )
    Disruption.objects.filter(pk__in=[d.pk for d in [*counted, draft]]).update(operation=op)
    login(client, supervisor)
    body = client.get(reverse("disruptions:operation-detail", args=[op.pk])).content.decode()
    results = body[body.index('data-testid="operation-results"') :]
    results = results[: results.index("</dl>")]
    figures = dict(zip(*[iter(re.findall(r"<d[td]>([^<]*)</d[td]>", results))] * 2, strict=True))
    assert figures == {
        "Lines targeted": "2",
        "Arrests": "3",
        "Charges": "5",
        "Handsets recovered": "5",
        "Approved disruptions": "2",
    }


def test_subject_pages_query_counts_do_not_grow_with_disruptions(
    client, clgt_officer, supervisor, force, ocg, line, nominal
):
    team = force["teams"]["clgt_north"]
    pages = [
        reverse("ocg:detail", args=[ocg.pk]),
        reverse("countylines:detail", args=[line.pk]),
        reverse("ocg:nominal-detail", args=[nominal.pk]),
    ]

    def add():
        make_disruption(
            author=clgt_officer,
            team=team,
            approver=supervisor,
            date=timezone.localdate(),
            ocgs=[ocg],
            lines=[line],
            nominals=[nominal],
            weapons=1,
        )

    add()
    login(client, supervisor)
    before = [_count_queries(client, url) for url in pages]
    for _ in range(6):
        add()
    assert [_count_queries(client, url) for url in pages] == before


@pytest.mark.parametrize(
    ("url", "param"),
    [("/disruptions/", "q"), ("/disruptions/court-results/", "outcome")],
)
def test_htmx_partial_carries_the_filtered_csv_link(client, supervisor, url, param):
    partial = login(client, supervisor).get(url, {param: "x"}, HTTP_HX_REQUEST="true")
    content = partial.content.decode()
    assert "<html" not in content
    assert f'href="?{param}=x&amp;format=csv" data-testid="csv-export"' in content


def test_empty_posts_show_field_messages(client, approved, supervisor, clgt_officer):
    # An empty body once left the form unbound: the page came back with no message at any field.
    op = Operation.objects.create(
        force=ForceFactory(),
        name="Op Ember",
        start_date=datetime.date(2022, 6, 10),
        end_date=datetime.date(2022, 6, 20),
    )
    for user, url in [
        (clgt_officer, reverse("disruptions:court-result-create", args=[approved.pk])),
        (supervisor, reverse("disruptions:operation-create")),
        (supervisor, reverse("disruptions:operation-edit", args=[op.pk])),
    ]:
        response = login(client, user).post(url)
        assert response.status_code in (200, 400), url
        assert "This field is required." in response.content.decode(), url


def test_the_against_picker_offers_the_gangs_the_officer_may_see(client, clgt_officer, force):
    """A CLGT officer finds a gang of their division by name, reference or area, never another
    division's, and records a disruption against it from the form (nothing picked is offered
    twice)."""
    kestrels = make_gang(force["divisions"]["north"], name="Kestrel Youngers", area="Chatham")
    hidden = make_gang(force["divisions"]["east"], name="Kestrel Tidewalkers", area="Margate")
    url = reverse("disruptions:subject-search")
    login(client, clgt_officer)
    for typed in ("kestrel", kestrels.reference, "chatham"):
        html = client.get(url, {"q": typed}).content.decode()
        assert f'data-field="gangs" data-id="{kestrels.pk}"' in html, typed
        assert "Tidewalkers" not in html and f'data-id="{hidden.pk}"' not in html, typed
    picked = client.get(url, {"q": "kestrel", "gangs": [kestrels.pk]}).content.decode()
    assert f'data-id="{kestrels.pk}"' not in picked
    # The gangs shown are named in the search's audit event, as the OCGs, lines and people are.
    searches = AuditEvent.objects.filter(actor=clgt_officer, action="search")
    assert any(kestrels.pk in e.changes["also"].get("gangs.gang", []) for e in searches)

    response = client.post(
        reverse("disruptions:create"),
        {
            "date": "2022-06-15",
            "gangs": [kestrels.pk],
            "team": clgt_officer.officer.team_id,
            "officer": clgt_officer.pk,
            "strand": "prevent",
            "tactic": "partner_action",
            "impact_grade": "minor",
            "impact_rationale": "Group dispersed from the estate with the youth service.",
            "weapons-TOTAL_FORMS": "0",
            "weapons-INITIAL_FORMS": "0",
            "drugs-TOTAL_FORMS": "0",
            "drugs-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert list(Disruption.objects.get().gangs.all()) == [kestrels]
