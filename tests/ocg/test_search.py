"""The one nominal search (ocg.search): how it matches, that it keeps to what the user may see,
and that the picker, the nominal list, the API and the OCG list's member search find the same
people for the same words."""

import pytest

from ocg.models import Nominal
from ocg.search import nominal_search
from tests.clients import api, web
from tests.factories import make_nominal, make_ocg


@pytest.fixture
def people() -> dict[str, Nominal]:
    jo = make_nominal("Jo", "Smithson")
    Nominal.objects.filter(pk=jo.pk).update(aliases="Smithy, JJ")
    jo.refresh_from_db()
    return {"jo": jo, "joanna": make_nominal("Joanna", "Reed"), "sam": make_nominal("Sam", "Jones")}


def found(user, text: str) -> set[int]:
    return set(nominal_search(user, text).values_list("pk", flat=True))


@pytest.mark.parametrize(
    "text,who",
    [
        ("Jo Smithson", {"jo"}),
        ("smithson jo", {"jo"}),  # either order, any case
        ("SMITH", {"jo"}),  # part of a name
        ("smithy", {"jo"}),  # an alias
        ("jo", {"jo", "joanna", "sam"}),  # part of Jo, Joanna and Jones
        ("jo reed", {"joanna"}),  # every word must match: more words narrow
        ("jo nobody", set()),
    ],
)
def test_names_aliases_any_order_any_case_part_of_a_word(coordinator, people, text, who):
    assert found(coordinator, text) == {people[name].pk for name in who}


def test_a_reference_whole_or_in_part(coordinator, people):
    reference = people["sam"].reference
    assert found(coordinator, reference) == {people["sam"].pk}
    assert found(coordinator, reference.lower()) == {people["sam"].pk}
    assert people["sam"].pk in found(coordinator, reference.removeprefix("NOM-"))


def test_blank_finds_nobody_and_a_queryset_is_narrowed_not_widened(coordinator, people):
    assert found(coordinator, "") == found(coordinator, "   ") == set()
    only_sam = Nominal.objects.filter(pk=people["sam"].pk)
    assert set(nominal_search(only_sam, "jo").values_list("pk", flat=True)) == {people["sam"].pk}


def test_it_finds_only_people_the_user_may_see(lro, force, people):
    theirs = make_ocg(
        division=force["divisions"]["north"],
        status="adopted",
        managing_team=force["teams"]["north_local"],
        lead_responsible_officer=lro,
        members=0,
    )
    theirs.memberships.create(nominal=people["jo"], role="principal")
    assert found(lro, "jo") == {people["jo"].pk}


def test_every_door_finds_the_same_people_for_the_same_words(coordinator, force, people):
    ocg = make_ocg(division=force["divisions"]["north"], name="Quiet Crew", members=0)
    ocg.memberships.create(nominal=people["jo"], role="principal")
    page, through = web(coordinator), api(coordinator)
    words = "smithson jo"

    picker = page.get("/nominals/search/", {"q": words}).context["results"]
    listed = page.get("/nominals/", {"q": words}).context["rows"]
    through_api = through.get("/api/nominals/", {"q": words}).json()["results"]
    ocgs = through.get("/api/ocgs/", {"q": words}).json()["results"]

    assert [n.pk for n in picker] == [n.pk for n in listed] == [people["jo"].pk]
    assert [n["id"] for n in through_api] == [people["jo"].pk]
    assert [o["id"] for o in ocgs] == [ocg.pk]


@pytest.mark.parametrize("typed", ["OCG-0042", "ocg 42", "OCG0042", "ocg-42"])
def test_the_ocg_list_finds_a_group_by_its_reference_typed_loosely(coordinator, force, typed):
    wanted = make_ocg(division=force["divisions"]["north"], reference="OCG-0042", name="Crew")
    make_ocg(division=force["divisions"]["north"], reference="OCG-0007", name="Other")
    assert [
        o["id"] for o in api(coordinator).get("/api/ocgs/", {"q": typed}).json()["results"]
    ] == [wanted.pk]


def test_the_ocg_list_matches_every_word_of_a_name_in_any_order(coordinator, force):
    wanted = make_ocg(division=force["divisions"]["north"], name="Blaze Street Crew")
    make_ocg(division=force["divisions"]["north"], name="Harbour Crew")
    found = api(coordinator).get("/api/ocgs/", {"q": "crew blaze"}).json()["results"]
    assert [o["id"] for o in found] == [wanted.pk]
