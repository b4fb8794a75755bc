"""List filters and pickers find records by what people know of them, never by a database id:
the page shows the chosen record's label, the type-ahead finds by name, reference, alias, collar
or deal-line number among what the user may see (people searches audited), and the API still
takes the ids it always took."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.audit.services import audit_record
from tests.factories import make_disruption, make_line, make_nominal, make_ocg, make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def medway(force):
    return make_ocg(force["divisions"]["north"], reference="OCG-0003", name="Medway Boys")


@pytest.fixture
def kestrel(force):
    return make_line(
        force["divisions"]["north"],
        reference="CL-0042",
        name="KESTREL",
        status="active",
        numbers=["07700900142"],
    )


@pytest.fixture
def rowan():
    return make_nominal(
        first_name="Rowan", last_name="Ashdown", reference="NOM-000777", aliases="Ro-Ro"
    )


def pick(client, kind, name, text, **others):
    return client.get(
        reverse("picker", args=[kind]), {"picker": name, f"{name}_find": text, **others}
    )


def box(html, name):
    """The filter's search box, as the page drew it."""
    start = html.index(f'data-testid="picker-{name}"')
    return html[start : html.index("</div>", start)]


# --- The chosen value is shown by its label, re-read from the id --------------------------------


def test_the_intelligence_list_shows_the_chosen_ocg_line_and_person_by_name(
    client, analyst, medway, kestrel, rowan
):
    make_record(ocgs=[medway], lines=[kestrel], nominals=[rowan])
    client.force_login(analyst)

    html = client.get(
        reverse("intel:list"), {"ocg": medway.pk, "county_line": kestrel.pk, "nominal": rowan.pk}
    ).content.decode()

    assert 'value="OCG-0003 Medway Boys"' in box(html, "ocg")
    assert f'name="ocg" value="{medway.pk}"' in box(html, "ocg")
    assert 'value="CL-0042 KESTREL"' in box(html, "county_line")
    assert 'value="NOM-000777 Rowan Ashdown"' in box(html, "nominal")
    for old in ("OCG id", "County line id", "Nominal id"):
        assert old not in html
    # Naming the chosen person is a read of a person, on the trail like any other.
    assert AuditEvent.objects.filter(
        actor=analyst, action=AuditAction.VIEW, object_type="ocg.nominal", changes__ids=[rowan.pk]
    ).exists()


def test_the_disruption_list_shows_the_chosen_officer_by_rank_name_and_collar(
    client, supervisor, clgt_officer, force, kestrel
):
    make_disruption(
        author=clgt_officer, team=force["teams"]["clgt_north"], lines=[kestrel], approver=supervisor
    )
    officer = clgt_officer.officer
    client.force_login(supervisor)

    html = client.get(
        reverse("disruptions:list"), {"officer": clgt_officer.pk, "county_line": kestrel.pk}
    ).content.decode()

    expected = f"{officer.rank} {clgt_officer.get_full_name()} ({officer.collar_number})"
    assert f'value="{expected}"' in box(html, "officer")
    assert 'value="CL-0042 KESTREL"' in box(html, "county_line")
    assert "Officer (user id)" not in html


def test_the_court_results_and_county_lines_lists_name_their_chosen_person_and_ocg(
    client, supervisor, medway, kestrel, rowan
):
    kestrel.ocg = medway
    kestrel.save(update_fields=["ocg"])
    client.force_login(supervisor)

    court = client.get(reverse("disruptions:court-results"), {"nominal": rowan.pk})
    lines = client.get(reverse("countylines:list"), {"ocg": medway.pk})

    assert 'value="NOM-000777 Rowan Ashdown"' in box(court.content.decode(), "nominal")
    assert 'value="OCG-0003 Medway Boys"' in box(lines.content.decode(), "ocg")
    assert "CL-0042" in lines.content.decode()


def test_a_record_the_user_may_not_see_is_never_named(client, lro, force):
    hidden = make_ocg(force["divisions"]["east"], reference="OCG-0099", name="Secret Crew")
    client.force_login(lro)

    html = client.get(reverse("disruptions:list"), {"ocg": hidden.pk}).content.decode()

    assert "Secret Crew" not in html


# --- Type-ahead: what people know, scoped -------------------------------------------------------


@pytest.mark.parametrize("typed", ["medway", "BOYS med", "ocg 3", "OCG-0003"])
def test_ocgs_are_found_by_name_or_loose_reference(client, analyst, medway, typed):
    client.force_login(analyst)

    html = pick(client, "ocg", "ocg", typed).content.decode()

    assert "OCG-0003 Medway Boys" in html
    assert f"ocg={medway.pk}" in html


@pytest.mark.parametrize("typed", ["kestrel", "cl 42", "07700 900142", "+44 7700 900142"])
def test_county_lines_are_found_by_name_reference_or_deal_line_number(
    client, analyst, kestrel, typed
):
    client.force_login(analyst)

    html = pick(client, "county-line", "county_line", typed).content.decode()

    assert "CL-0042 KESTREL" in html and f"county_line={kestrel.pk}" in html


@pytest.mark.parametrize("typed", ["ashdown rowan", "Ro-Ro", "000777"])
def test_people_are_found_by_name_alias_or_reference_and_the_search_is_audited(
    client, coordinator, rowan, typed
):
    client.force_login(coordinator)

    html = pick(client, "nominal", "nominal", typed).content.decode()

    assert "NOM-000777 Rowan Ashdown" in html and f"nominal={rowan.pk}" in html
    event = AuditEvent.objects.filter(actor=coordinator, action=AuditAction.SEARCH).latest("id")
    assert event.object_type == "ocg.nominal"
    assert event.changes["ids"] == [rowan.pk]
    assert event.changes["query"]["nominal_find"] == typed


def test_officers_are_found_by_name_or_collar_number(client, supervisor, clgt_officer):
    officer = clgt_officer.officer
    client.force_login(supervisor)

    by_collar = pick(client, "officer", "officer", officer.collar_number).content.decode()
    by_name = pick(client, "officer", "officer", clgt_officer.last_name).content.decode()
    by_username = pick(client, "officer-username", "who", "clgt").content.decode()

    for html in (by_collar, by_name):
        assert clgt_officer.get_full_name() in html and f"officer={clgt_officer.pk}" in html
    assert "who=clgt" in by_username


def test_suggestions_keep_the_other_filters_and_drop_the_page(client, analyst, medway):
    client.force_login(analyst)

    html = pick(client, "ocg", "ocg", "medway", handling_code="P", page="3").content.decode()

    assert f'href="?handling_code=P&amp;ocg={medway.pk}"' in html


def test_an_officer_is_never_offered_what_they_may_not_see(client, lro, force, rowan):
    """An LRO sees only the OCGs they lead or their team manages, and only those OCGs' members."""
    hidden = make_ocg(force["divisions"]["north"], reference="OCG-0050", name="Harbour Crew")
    client.force_login(lro)

    ocgs = pick(client, "ocg", "ocg", "harbour").content.decode()
    people = pick(client, "nominal", "nominal", "ashdown").content.decode()

    assert f"ocg={hidden.pk}" not in ocgs and "No OCG you may see matches" in ocgs
    assert "Ashdown" not in people
    assert AuditEvent.objects.filter(
        actor=lro, action=AuditAction.SEARCH, object_type="ocg.nominal", changes__count=0
    ).exists()


@pytest.mark.parametrize("kind", ["ocg", "county-line", "nominal"])
def test_roles_without_the_records_get_no_picker(client, administrator, kind):
    client.force_login(administrator)

    assert pick(client, kind, "x", "medway").status_code == 404


def test_an_account_with_no_officer_profile_is_not_told_who_is_on_the_force(
    client, outsider, coordinator
):
    client.force_login(outsider)

    assert pick(client, "officer", "officer", "coordinator").status_code == 404
    assert pick(client, "officer-username", "who", "coordinator").status_code == 404


def test_the_picker_needs_a_sign_in_and_a_known_kind(client, analyst):
    assert pick(client, "ocg", "ocg", "medway").status_code == 302
    client.force_login(analyst)
    assert pick(client, "warrant", "x", "medway").status_code == 404


def test_without_javascript_the_typed_text_lists_the_matches_as_links(client, analyst, medway):
    client.force_login(analyst)

    html = client.get(reverse("intel:list"), {"ocg_find": "medway"}).content.decode()

    assert f'href="?ocg={medway.pk}"' in box(html, "ocg")


# --- The API filters are unchanged --------------------------------------------------------------


def test_the_api_still_filters_by_id(
    client, analyst, supervisor, coordinator, clgt_officer, force, medway
):
    kept = make_record(ocgs=[medway])
    other = make_record()
    client.force_login(analyst)
    body = client.get("/api/intelligence/", {"ocg": medway.pk}).content.decode()
    assert kept.reference in body and other.reference not in body
    assert client.get("/api/intelligence/", {"ocg": "medway"}).status_code == 400

    mine = make_disruption(
        author=clgt_officer, team=force["teams"]["clgt_north"], approver=supervisor
    )
    theirs = make_disruption(author=coordinator, team=force["teams"]["ocgmu"], approver=supervisor)
    client.force_login(supervisor)
    body = client.get("/api/disruptions/", {"officer": clgt_officer.pk}).content.decode()
    assert mine.reference in body and theirs.reference not in body


# --- The audit page -----------------------------------------------------------------------------


def test_the_audit_page_filters_by_officer_and_by_kind_of_record_by_name(
    client, auditor, coordinator, medway
):
    audit_record(actor=coordinator, action=AuditAction.VIEW, obj=medway)
    audit_record(actor=coordinator, action=AuditAction.VIEW, object_type="ocg.nominal")
    client.force_login(auditor)

    html = client.get(reverse("audit:list"), {"who": "coordinator", "object_type": "ocg.ocg"})
    html = html.content.decode()

    officer = coordinator.officer
    assert f'value="{officer.rank} {coordinator.get_full_name()} ({officer.collar_number})"' in (
        box(html, "who")
    )
    assert '<option value="ocg.ocg" selected>OCG</option>' in html
    assert '<option value="ocg.nominal">Person (nominal)</option>' in html
    assert "ocg.ocg or auth.user" not in html and "The exact username" not in html
    assert html.count('data-testid="audit-row"') == 1


def test_the_audit_api_filters_are_unchanged(client, auditor, coordinator, medway):
    audit_record(actor=coordinator, action=AuditAction.VIEW, obj=medway)
    audit_record(actor=coordinator, action=AuditAction.VIEW, object_type="ocg.nominal")
    client.force_login(auditor)

    rows = client.get("/api/audit/", {"who": "Coordinator", "object_type": "OCG.Ocg"}).json()

    rows = rows.get("results", rows)
    assert [r["object_type"] for r in rows] == ["ocg.ocg"]


# --- The disruption form's "Against" picker -----------------------------------------------------


def test_the_against_picker_does_not_offer_what_is_already_picked(
    client, clgt_officer, kestrel, force
):
    other = make_line(force["divisions"]["north"], reference="CL-0043", name="KESTREL TWO")
    client.force_login(clgt_officer)
    url = reverse("disruptions:subject-search")

    html = client.get(url, {"q": "kestrel", "county_lines": [kestrel.pk]}).content.decode()

    assert f'data-id="{other.pk}"' in html and f'data-id="{kestrel.pk}"' not in html


# --- The court results list's disruption filter -------------------------------------------------


def test_court_results_find_their_disruption_by_reference_or_what_it_was_against(
    client, supervisor, clgt_officer, force, kestrel
):
    disruption = make_disruption(
        author=clgt_officer, team=force["teams"]["clgt_north"], approver=supervisor, lines=[kestrel]
    )
    client.force_login(supervisor)

    for typed in (disruption.reference, f"d {disruption.pk}", "kestrel", "cl 42"):
        html = pick(client, "disruption", "disruption", typed).content.decode()
        assert f"disruption={disruption.pk}" in html, typed
    page = client.get(reverse("disruptions:court-results"), {"disruption": disruption.pk})

    assert f'value="{disruption}"' in box(page.content.decode(), "disruption")
    assert AuditEvent.objects.filter(
        actor=supervisor, action=AuditAction.SEARCH, object_type="disruptions.disruption"
    ).exists()
