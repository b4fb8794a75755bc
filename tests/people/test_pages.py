"""Likely duplicates and the merge pages and API (issue 17 item 7): who is paired and why, at a
constant query count; compare, confirm, merge, history and undo over HTTP; who may use them."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from countylines.choices import LineRole
from countylines.models import LineNominal
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.people.models import NominalMerge
from kentsoc.people.selectors import duplicate_pairs
from ocg.choices import MembershipRole
from ocg.models import Membership, Nominal
from tests.clients import api, web
from tests.factories import make_line, make_merge, make_nominal, make_ocg

BORN = datetime.date(1991, 7, 14)


def _pairs(user) -> set[frozenset[str]]:
    return {frozenset({p.first.full_name, p.second.full_name}) for p in duplicate_pairs(user=user)}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("Jon", "Smyth"), ("John", "Smith")),  # sound alike
        (("Mohammed", "Khan"), ("Muhammad", "Khan")),  # sound alike
        (("Smith", "John"), ("John", "Smith")),  # first and last swapped
        (("Zoë", "Brennan"), ("Zoe", "Brennan")),  # accents
        (("Danielle", "Okafor"), ("Daniele", "Okafor")),  # a typing slip
    ],
)
def test_similar_names_with_one_date_of_birth_are_paired(coordinator, first, second):
    make_nominal(*first, BORN)
    make_nominal(*second, BORN)
    assert _pairs(coordinator) == {frozenset({" ".join(first), " ".join(second)})}


def test_namesakes_and_strangers_are_not_paired(coordinator):
    make_nominal("John", "Smith", BORN)
    make_nominal("John", "Smith", BORN.replace(year=1992))  # a namesake born another year
    make_nominal("Ann", "Lee", BORN)
    make_nominal("Bob", "Lee", BORN)  # same surname and birthday, another person
    make_nominal("Ravi", "Patel", None)
    make_nominal("Ravi", "Patel", None)  # no date of birth: nothing to go on
    assert _pairs(coordinator) == set()


def test_two_holders_of_one_phone_are_paired(coordinator, force):
    medway = force["districts"]["medway"]
    first = make_nominal("Tariq", "Fenwick", BORN)
    second = make_nominal("Lee", "Hart", None)
    for person, name in ((first, "BLAZE"), (second, "VIPER")):
        line = make_line(districts=[medway], name=name, numbers=["07700900456"])
        LineNominal.objects.create(county_line=line, nominal=person, role=LineRole.LINE_HOLDER)
    runner = make_line(districts=[medway], name="COBRA", numbers=["07700900456"])
    LineNominal.objects.create(
        county_line=runner, nominal=make_nominal("Sam", "Other"), role=LineRole.RUNNER
    )
    (pair,) = duplicate_pairs(user=coordinator)
    assert {pair.first, pair.second} == {first, second}
    assert pair.why == "Both hold the phone 07700 900456"


def _count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_duplicates_list_costs_the_same_for_one_pair_or_many(coordinator):
    client, rest = web(coordinator), api(coordinator)
    make_nominal("Jon", "Smyth", BORN)
    make_nominal("John", "Smith", BORN)
    _count(client, "/people/duplicates/")  # the session and permission caches warm
    _count(rest, "/api/people/duplicates/")
    one = (_count(client, "/people/duplicates/"), _count(rest, "/api/people/duplicates/"))
    for n in range(6):
        born = BORN.replace(day=n + 1)
        make_nominal("Kelly", f"Marsh{n}", born)
        make_nominal("Kelly", f"Marsh{n}", born)
    many = (_count(client, "/people/duplicates/"), _count(rest, "/api/people/duplicates/"))
    assert one == many
    assert len(rest.get("/api/people/duplicates/").json()["results"]) == 7


def test_the_pages_walk_from_pair_to_merge_to_undo(coordinator, force):
    keep = make_nominal("John", "Smith", BORN)
    gone = make_nominal("Jon", "Smyth", BORN)
    ocg = make_ocg(force["divisions"]["north"], members=0)
    Membership.objects.create(ocg=ocg, nominal=gone, role=MembershipRole.MEMBER)
    client = web(coordinator)

    listed = client.get("/people/duplicates/").content.decode()
    assert f"/people/compare/?a={keep.pk}&amp;b={gone.pk}" in listed
    compared = client.get(f"/people/compare/?a={keep.pk}&b={gone.pk}").content.decode()
    assert "Memberships" in compared
    assert f"survivor={keep.pk}&amp;merged={gone.pk}" in compared
    confirm = client.get(f"/people/merge/?survivor={keep.pk}&merged={gone.pk}")
    assert confirm.status_code == 200
    assert "Merge " + gone.reference + " into " + keep.reference in confirm.content.decode()

    refused = client.post("/people/merge/", {"survivor": keep.pk, "merged": gone.pk})
    assert refused.status_code == 400
    assert "Reason: This field is required." in refused.content.decode()
    assert Nominal.objects.filter(pk=gone.pk).exists()

    done = client.post(
        "/people/merge/", {"survivor": keep.pk, "merged": gone.pk, "reason": "Same PNC"}
    )
    merge = NominalMerge.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/people/merges/{merge.pk}/"
    assert Membership.objects.get(ocg=ocg).nominal_id == keep.pk
    history = client.get("/people/merges/").content.decode()
    assert merge.merged_label in history
    detail = client.get(f"/people/merges/{merge.pk}/").content.decode()
    assert "Memberships: 1 moved" in detail

    assert client.post(f"/people/merges/{merge.pk}/undo/", {}).status_code == 400
    undone = client.post(f"/people/merges/{merge.pk}/undo/", {"reason": "Two people"})
    assert undone.status_code == 302
    assert Membership.objects.get(ocg=ocg).nominal_id == gone.pk
    again = client.post(f"/people/merges/{merge.pk}/undo/", {"reason": "Again"})
    assert again.status_code == 400 and "already undone" in again.content.decode()


def test_bad_pairs_get_a_page_that_says_why(coordinator):
    person = make_nominal("John", "Smith", BORN)
    client = web(coordinator)
    same = client.get(f"/people/compare/?a={person.pk}&b={person.pk}")
    assert same.status_code == 400 and "same person twice" in same.content.decode()
    assert client.get(f"/people/compare/?a={person.pk}&b=987654").status_code == 404
    assert client.get("/people/compare/?a=x&b=").status_code == 404
    unknown = client.get(f"/people/merge/?survivor={person.pk}&merged=987654")
    assert unknown.status_code == 400
    assert "no person with id 987654" in unknown.content.decode()
    itself = client.get(f"/people/merge/?survivor={person.pk}&merged={person.pk}")
    assert itself.status_code == 400 and "into themselves" in itself.content.decode()


def test_the_api_merges_and_undoes(supervisor):
    keep = make_nominal("John", "Smith", BORN)
    gone = make_nominal("Jon", "Smyth", BORN)
    client = api(supervisor)
    pairs = client.get("/api/people/duplicates/").json()
    assert pairs["count"] == 1
    assert {pairs["results"][0]["first"]["id"], pairs["results"][0]["second"]["id"]} == {
        keep.pk,
        gone.pk,
    }
    bad = client.post("/api/people/merge/", {"survivor": keep.pk, "merged": keep.pk}, "json")
    assert bad.status_code == 400 and set(bad.json()) == {"reason"}
    itself = {"survivor": keep.pk, "merged": keep.pk, "reason": "Same"}
    bad = client.post("/api/people/merge/", itself, "json")
    assert bad.status_code == 400 and "themselves" in bad.json()["merged"][0]
    made = client.post(
        "/api/people/merge/",
        {"survivor": keep.pk, "merged": gone.pk, "reason": "Same PNC"},
        format="json",
    )
    assert made.status_code == 201, made.json()
    body = made.json()
    assert (body["survivor"], body["merged"], body["undone_at"]) == (keep.pk, gone.pk, None)
    again = client.post(
        "/api/people/merge/",
        {"survivor": keep.pk, "merged": gone.pk, "reason": "Same PNC"},
        format="json",
    )
    assert again.status_code == 400 and "already merged" in again.json()["merged"][0]
    assert client.get("/api/people/merges/").json()["count"] == 1
    undo = client.post(f"/api/people/merges/{body['id']}/undo/", {"reason": "No"}, "json")
    assert undo.status_code == 200 and undo.json()["undone_by"] == supervisor.username
    twice = client.post(f"/api/people/merges/{body['id']}/undo/", {"reason": "No"}, "json")
    assert twice.status_code == 400 and "already undone" in twice.json()["non_field_errors"][0]
    assert (
        client.post("/api/people/merges/987654/undo/", {"reason": "x"}, "json").status_code == 404
    )


def test_reading_the_pairs_is_audited_with_the_people_named(coordinator):
    first = make_nominal("Jon", "Smyth", BORN)
    second = make_nominal("John", "Smith", BORN)
    web(coordinator).get("/people/duplicates/")
    event = AuditEvent.objects.get(actor=coordinator, action=AuditAction.LIST)
    assert (event.object_type, set(event.changes["ids"])) == ("ocg.nominal", {first.pk, second.pk})


@pytest.mark.parametrize(
    "role", ["researcher", "lro", "clgt_officer", "clio", "analyst", "auditor"]
)
def test_other_roles_are_refused(request, role):
    user = request.getfixturevalue(role)
    keep = make_nominal("John", "Smith", BORN)
    gone = make_nominal("Jon", "Smyth", BORN)
    pages = web(user)
    for path in (
        "/people/duplicates/",
        "/people/merges/",
        f"/people/compare/?a={keep.pk}&b={gone.pk}",
    ):
        assert pages.get(path).status_code == 403, path
    assert pages.post("/people/merge/", {"survivor": keep.pk, "merged": gone.pk}).status_code == 403
    client = api(user)
    assert client.get("/api/people/duplicates/").status_code == 403
    body = {"survivor": keep.pk, "merged": gone.pk, "reason": "x"}
    assert client.post("/api/people/merge/", body, format="json").status_code == 403
    assert Nominal.objects.filter(pk=gone.pk).exists()


def test_an_undo_that_cannot_put_the_person_back_is_a_400_not_a_500(coordinator):
    """A merge kept without the whole row (the pages' test worlds build such rows) is refused
    with a message, whoever asks, through the page or the API."""
    merge = make_merge(make_nominal("John", "Smith", BORN), by=coordinator)
    answer = api(coordinator).post(f"/api/people/merges/{merge.pk}/undo/", {"reason": "x"}, "json")
    assert answer.status_code == 400
    assert "cannot be put back" in answer.json()["non_field_errors"][0]
    page = web(coordinator).post(f"/people/merges/{merge.pk}/undo/", {"reason": "x"})
    assert page.status_code == 400 and "cannot be put back" in page.content.decode()
