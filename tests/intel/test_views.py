import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kentsoc.audit.models import AuditEvent
from kentsoc.intel.models import DefinitionEvidence, IntelligenceRecord
from kentsoc.intel.services.evidence import evidence_add
from kentsoc.intel.services.records import intelligence_create
from tests.factories import (
    CountyLineFactory,
    NominalFactory,
    OcgFactory,
    OfficerFactory,
    RecordFactory,
    UserFactory,
)


@pytest.fixture
def line(force):
    return CountyLineFactory(division=force["divisions"]["north"], name="BLAZE")


@pytest.fixture
def ocg(force):
    return OcgFactory(division=force["divisions"]["north"], name="Harbour Crew")


def login(client, user):
    client.force_login(user)
    return client


def form_data(**overrides):
    data = {
        "reference": "",
        "rms_reference": "ATH/26/0100",
        "information_date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "summary": "Fictional: deal line texts sent to users in Canterbury.",
        "source_evaluation": "1",
        "intelligence_assessment": "A",
        "handling_code": "P",
        "handling_conditions": "",
    }
    data.update(overrides)
    return data


# --- access ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("analyst", 200), ("researcher", 200), ("lro", 200), ("auditor", 403), ("clio", 403)],
)
def test_list_access(client, request, role, status):
    login(client, request.getfixturevalue(role))
    assert client.get("/intelligence/").status_code == status


def test_pages_need_login(client, line):
    record = RecordFactory(county_lines=[line])
    for url in (
        "/intelligence/",
        "/intelligence/new/",
        f"/intelligence/{record.pk}/",
        f"/intelligence/{record.pk}/edit/",
        f"/intelligence/{record.pk}/delete/",
        "/intelligence/subjects/?subject_q=bl",
        f"/intelligence/evidence/?county_line={line.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


def test_detail_is_audited_and_hidden_records_are_404(client, analyst, lro, line):
    record = RecordFactory(county_lines=[line], claims={"weapons": 2})
    response = login(client, analyst).get(f"/intelligence/{record.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Weapons: 2 — firearm" in html and "Known directly to the source" in html
    assert AuditEvent.objects.filter(action="view", object_id=str(record.pk)).count() == 1
    assert login(client, lro).get(f"/intelligence/{record.pk}/").status_code == 404
    assert login(client, analyst).get("/intelligence/999999/").status_code == 404


def test_detail_tags_unscorable_and_deleted(client, analyst, line):
    unscorable = RecordFactory(county_lines=[line], intelligence_assessment="E")
    deleted = RecordFactory(county_lines=[line], deleted_at=timezone.now(), deleted_reason="Dup")
    login(client, analyst)
    html = client.get(f"/intelligence/{unscorable.pk}/").content.decode()
    assert "unscorable" in html and "assessment E (suspected to be false)" in html
    html = client.get(f"/intelligence/{deleted.pk}/").content.decode()
    assert "deleted" in html and "Dup" in html and "/edit/" not in html


def test_conditions_hidden_on_detail_and_edit_for_other_teams(client, analyst, force, line):
    record = intelligence_create(
        actor=analyst,
        information_date=timezone.localdate(),
        summary="Fictional",
        source_evaluation="1",
        intelligence_assessment="A",
        handling_code="C",
        handling_conditions="Only for the bureau",
        county_lines=[line.pk],
    )
    other = OfficerFactory(
        user=UserFactory(username="analyst-soc"), role="analyst", team=force["teams"]["soc"]
    ).user
    login(client, other)
    for url in (f"/intelligence/{record.pk}/", f"/intelligence/{record.pk}/edit/"):
        html = client.get(url).content.decode()
        assert "Only for the bureau" not in html
        assert "restricted: handling conditions apply" in html
    login(client, analyst)
    assert "Only for the bureau" in client.get(f"/intelligence/{record.pk}/").content.decode()


@pytest.mark.parametrize("role", ["lro", "auditor", "clio"])
def test_write_pages_forbidden_without_permission(client, request, role, line):
    record = RecordFactory(county_lines=[line])
    login(client, request.getfixturevalue(role))
    assert client.get("/intelligence/new/").status_code == 403
    assert client.get(f"/intelligence/{record.pk}/edit/").status_code == 403
    assert client.post(f"/intelligence/{record.pk}/delete/", {"reason": "x"}).status_code == 403
    assert client.get(f"/intelligence/evidence/?county_line={line.pk}").status_code == 403
    assert IntelligenceRecord.objects.get().deleted_at is None


# --- create / edit ---------------------------------------------------------------------------


def test_new_preselects_the_subject_and_its_factor_table(client, clgt_officer, line):
    response = login(client, clgt_officer).get(
        f"/intelligence/new/?county_line={line.pk}&next=/county-lines/{line.pk}/"
    )
    html = response.content.decode()
    assert f'name="county_lines" value="{line.pk}" checked' in html
    assert "County line factors" in html and "OCG factors" not in html
    assert "3 — multiple class A" in html
    assert "unscorable" in html  # the 3 / E note


def test_new_with_a_hidden_subject_is_404(client, clgt_officer, ocg):
    response = login(client, clgt_officer).get(f"/intelligence/new/?ocg={ocg.pk}")
    assert response.status_code == 404


def test_create_saves_and_returns_to_next(client, clgt_officer, line):
    data = form_data(county_lines=[line.pk], claim_drug_class="2", next=f"/county-lines/{line.pk}/")
    response = login(client, clgt_officer).post("/intelligence/new/", data)
    assert response.status_code == 302 and response["Location"] == f"/county-lines/{line.pk}/"
    record = IntelligenceRecord.objects.get()
    assert list(record.county_lines.all()) == [line]
    assert list(record.factor_claims.values_list("factor", "level")) == [("drug_class", 2)]


def test_create_refuses_unsafe_next(client, clgt_officer, line):
    data = form_data(county_lines=[line.pk], next="https://evil.example/")
    response = login(client, clgt_officer).post("/intelligence/new/", data)
    assert response["Location"] == f"/intelligence/{IntelligenceRecord.objects.get().pk}/"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"handling_code": "C"}, "required for handling code C"),
        ({"county_lines": []}, "Choose at least one subject"),
        ({"summary": ""}, "This field is required"),
        ({"information_date": "2999-01-01"}, "cannot be in the future"),
        ({"claim_weapons": "9"}, "Select a valid choice"),
    ],
)
def test_create_errors_show_at_the_field_and_nothing_is_saved(
    client, clgt_officer, line, overrides, message
):
    data = {**form_data(county_lines=[line.pk]), **overrides}
    response = login(client, clgt_officer).post("/intelligence/new/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'class="error-message"' in html
    assert 'data-testid="error-summary"' in html
    assert not IntelligenceRecord.objects.exists()


def test_claim_for_the_wrong_subject_type_is_refused(client, researcher, ocg):
    data = form_data(ocgs=[ocg.pk], claim_cuckooing="1")
    response = login(client, researcher).post("/intelligence/new/", data)
    assert response.status_code == 400
    assert "is not a factor for OCGs" in response.content.decode()
    assert not IntelligenceRecord.objects.exists()


def test_find_button_searches_without_saving(client, clgt_officer, line):
    data = form_data(subject_q="blaz", find="1")
    response = login(client, clgt_officer).post("/intelligence/new/", data)
    assert response.status_code == 200
    assert f'name="county_lines" value="{line.pk}"' in response.content.decode()
    assert not IntelligenceRecord.objects.exists()


def test_subject_search_returns_only_visible_subjects(client, clgt_officer, line, ocg):
    NominalFactory(first_name="Blaise", last_name="Fictional")
    login(client, clgt_officer)
    html = client.get("/intelligence/subjects/", {"subject_q": "bla"}).content.decode()
    assert f'name="county_lines" value="{line.pk}"' in html and "Blaise" in html
    html = client.get("/intelligence/subjects/", {"subject_q": "harbour"}).content.decode()
    assert "Harbour" not in html  # OCG with no line: not visible to a CLGT officer
    html = client.get(
        "/intelligence/subjects/", {"subject_q": "bla", "county_lines": line.pk}
    ).content.decode()
    assert f'value="{line.pk}"' not in html  # already chosen


def test_edit_saves_and_a_stale_edit_keeps_the_input(client, analyst, line):
    record = RecordFactory(county_lines=[line], claims={"violence": 1})
    login(client, analyst)
    page = client.get(f"/intelligence/{record.pk}/edit/").content.decode()
    assert 'name="version" value="1"' in page
    data = form_data(
        reference=record.reference, version="1", county_lines=[line.pk], claim_violence="3"
    )
    assert client.post(f"/intelligence/{record.pk}/edit/", data).status_code == 302
    record.refresh_from_db()
    assert record.version == 2
    assert list(record.factor_claims.values_list("level", flat=True)) == [3]
    stale = {**data, "summary": "My careful rewrite"}
    response = client.post(f"/intelligence/{record.pk}/edit/", stale)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Someone else changed this record" in html and "My careful rewrite" in html
    record.refresh_from_db()
    assert record.summary != "My careful rewrite"


def test_an_edit_without_its_version_is_refused(client, analyst, line):
    """The form carries the version; a post without it cannot overwrite a colleague's save."""
    record = RecordFactory(county_lines=[line])
    login(client, analyst)
    data = form_data(reference=record.reference, county_lines=[line.pk], summary="Unversioned")
    response = client.post(f"/intelligence/{record.pk}/edit/", data)
    assert response.status_code == 400
    record.refresh_from_db()
    assert record.summary != "Unversioned" and record.version == 1


def test_delete_needs_a_reason_then_soft_deletes(client, analyst, line):
    record = RecordFactory(county_lines=[line])
    login(client, analyst)
    assert client.post(f"/intelligence/{record.pk}/delete/", {"reason": ""}).status_code == 400
    assert IntelligenceRecord.objects.get().deleted_at is None
    response = client.post(f"/intelligence/{record.pk}/delete/", {"reason": "Duplicate"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.deleted_at is not None and record.deleted_reason == "Duplicate"
    assert client.get(f"/intelligence/{record.pk}/edit/").status_code == 302


# --- list ------------------------------------------------------------------------------------


def test_list_filters_htmx_partial_and_csv(client, analyst, line):
    RecordFactory(county_lines=[line], summary="Cash at a lock-up", reference="INT-T0001")
    RecordFactory(county_lines=[line], summary="Other", reference="INT-T0002")
    login(client, analyst)
    html = client.get("/intelligence/", {"q": "lock-up"}).content.decode()
    assert "INT-T0001" in html and "INT-T0002" not in html
    partial = client.get("/intelligence/", {"q": "lock"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content and b"INT-T0001" in partial.content
    csv = client.get("/intelligence/", {"format": "csv"})
    body = b"".join(csv.streaming_content).decode()
    assert "INT-T0001" in body and "INT-T0002" in body
    assert AuditEvent.objects.filter(action="export").exists()


def test_list_query_count_is_constant(client, analyst, line, ocg):
    login(client, analyst)
    RecordFactory(county_lines=[line], ocgs=[ocg], nominals=[NominalFactory()])
    client.get("/intelligence/")
    with CaptureQueriesContext(connection) as one:
        client.get("/intelligence/")
    for _ in range(20):
        RecordFactory(
            county_lines=[line], ocgs=[ocg], nominals=[NominalFactory()], claims={"violence": 1}
        )
    with CaptureQueriesContext(connection) as many:
        client.get("/intelligence/")
    assert len(many) == len(one)


# --- evidence --------------------------------------------------------------------------------


def test_evidence_checklist_offers_the_lines_records_and_returns_to_itself(
    client, clgt_officer, line
):
    record = RecordFactory(county_lines=[line])
    other = RecordFactory(county_lines=[CountyLineFactory(division=line.division)])
    login(client, clgt_officer)
    url = f"/intelligence/evidence/?county_line={line.pk}"
    page = client.get(url).content.decode()
    assert record.reference in page and other.reference not in page
    response = client.post(
        url,
        {"criterion": "deal_line", "text": "07700 900456 used for orders", "records": [record.pk]},
    )
    assert response.status_code == 302 and response["Location"] == f"{url}#criterion-deal_line"
    evidence = DefinitionEvidence.objects.get()
    assert evidence.county_line == line and list(evidence.records.all()) == [record]


def test_evidence_errors_at_the_rows_fields_in_one_round(client, clgt_officer, line):
    login(client, clgt_officer)
    url = f"/intelligence/evidence/?county_line={line.pk}"
    response = client.post(url, {"criterion": "deal_line", "text": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="field-deal_line-text"' in html and "This field is required" in html
    assert "“Deal line” needs a graded intelligence record" in html
    # serious_crime is an OCG criterion: no row of this page takes it.
    response = client.post(url, {"criterion": "serious_crime", "text": "x"})
    assert response.status_code == 400
    assert "Choose a criterion of the county line definition" in response.content.decode()
    assert not DefinitionEvidence.objects.exists()


def test_evidence_for_a_hidden_subject_is_404(client, clgt_officer, ocg):
    login(client, clgt_officer)
    assert client.get(f"/intelligence/evidence/?ocg={ocg.pk}").status_code == 404
    assert client.get("/intelligence/evidence/").status_code == 404


def test_evidence_withdraw_needs_reason(client, researcher, clgt_officer, ocg):
    record = RecordFactory(ocgs=[ocg])
    evidence = evidence_add(
        actor=researcher, ocg=ocg, criterion="serious_crime", text="Class A", records=[record.pk]
    )
    login(client, clgt_officer)  # cannot see this OCG
    assert client.get(f"/intelligence/evidence/{evidence.pk}/withdraw/").status_code == 404
    login(client, researcher)
    url = f"/intelligence/evidence/{evidence.pk}/withdraw/"
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Wrong OCG", "next": "/"}).status_code == 302
    assert not DefinitionEvidence.objects.exists()


def test_htmx_partial_carries_the_filtered_csv_link(client, analyst, line):
    partial = login(client, analyst).get("/intelligence/", {"q": "van"}, HTTP_HX_REQUEST="true")
    content = partial.content.decode()
    assert "<html" not in content
    assert 'href="?q=van&amp;format=csv" data-testid="csv-export"' in content


def test_empty_posts_show_field_messages(client, analyst, researcher, clgt_officer, line, ocg):
    # An empty body once left the form unbound: a 400 with no message at any field.
    record = RecordFactory(county_lines=[line])
    supporting = RecordFactory(ocgs=[ocg])
    evidence = evidence_add(
        actor=researcher,
        ocg=ocg,
        criterion="serious_crime",
        text="Class A",
        records=[supporting.pk],
    )
    for user, url in [
        (analyst, f"/intelligence/{record.pk}/delete/"),
        (researcher, f"/intelligence/evidence/{evidence.pk}/withdraw/"),
    ]:
        response = login(client, user).post(url)
        assert response.status_code == 400, url
        assert "This field is required." in response.content.decode(), url
    # The checklist's rows each post their criterion: an empty post names none.
    response = login(client, clgt_officer).post(f"/intelligence/evidence/?county_line={line.pk}")
    assert response.status_code == 400
    assert "Choose a criterion of the county line definition" in response.content.decode()
