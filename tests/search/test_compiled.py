"""The search's statement compiled once per key (kentsoc/search/services.py `_statement`):
building it reads nothing, so the kept SQL is a function of its key alone; two officers typing the
same text each get what their own scope gives, and a share approved or revoked between two
searches changes the next answer at once (the shares are read by the statement as it runs)."""

from __future__ import annotations

import pytest

from kentsoc.org.models import Force
from kentsoc.org.scoping import READ, access_for
from kentsoc.search import services
from kentsoc.search.kinds import kinds_for
from kentsoc.sharing.services import share_approve, share_offer, share_revoke
from tests.search.test_search import world  # noqa: F401  (the fixture)
from tests.sharing.conftest import fresh, wx  # noqa: F401  (fixtures)
from tests.sharing.conftest import world as sharing_world  # noqa: F401

pytestmark = pytest.mark.django_db

ROLES = ["supervisor", "analyst", "coordinator", "researcher", "lro", "clgt_officer", "clio"]
TEXTS = ["John Smith", "smtih john", "07700 900123", "ocg 42", "cl7", "harbourside", "Quay Street"]


@pytest.fixture(autouse=True)
def _fresh_statements():
    services._statements.clear()
    yield
    services._statements.clear()


def _answer(user, text: str, **options) -> list:
    answer = services.search_run(actor=fresh(user), text=text, **options)
    return [(g.kind.type, g.more, g.rows) for g in answer.groups]


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("shares", [False, True])
def test_building_a_search_reads_nothing(request, force, world, who, shares):  # noqa: F811
    """Scope rules and finders only add to the SQL: once the officer's access and permissions
    are read, a search compiled afresh makes the same queries as one kept."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = fresh(request.getfixturevalue(who))
    Force.objects.filter(pk=force["divisions"]["north"].force_id).update(has_shares=shares)
    access_for(user)
    kinds_for(user)
    with CaptureQueriesContext(connection) as cold:
        services.search_run(actor=user, text="John Smith")
    assert services._statements
    with CaptureQueriesContext(connection) as warm:
        services.search_run(actor=user, text="John Smith")
    assert len(cold) == len(warm)


def test_officers_of_other_roles_and_teams_get_what_their_own_scope_gives(request, world):  # noqa: F811
    """Each officer's answer with every officer's statements kept is the answer compiled afresh."""
    users = [request.getfixturevalue(who) for who in ROLES]
    afresh = {}
    for user in users:
        for text in TEXTS:
            services._statements.clear()
            afresh[user.pk, text] = _answer(user, text)
    for _ in range(2):
        for user in users:
            for text in TEXTS:
                assert _answer(user, text) == afresh[user.pk, text]
    assert len({str(rows) for rows in afresh.values()}) > len(TEXTS)  # scopes differ


def test_another_forces_officers_typing_the_same_text_see_their_own_force(sharing_world):  # noqa: F811
    w = sharing_world
    for user in (w.wx_supervisor, w.ks_supervisor, w.wx_clgt, w.ks_clgt, w.wx_supervisor):
        services._statements.clear()
        afresh = _answer(user, "LENDER")
        assert _answer(user, "LENDER") == afresh
    assert _lines(w.ks_clgt, "LENDER") == [f"/county-lines/{w.line.pk}/"]
    assert _lines(w.wx_clgt, "LENDER") == []


def test_a_share_approved_or_revoked_between_two_searches_changes_the_next_at_once(
    sharing_world,  # noqa: F811
):
    w = sharing_world
    Force.objects.filter(pk__in=[w.line.division.force_id, w.wx["force"].pk]).update(
        has_shares=True
    )
    assert _lines(w.wx_clgt, "LENDER") == []
    offered = share_offer(
        actor=w.ks_supervisor,
        subject=w.line,
        receiving_force=w.wx["force"],
        access=READ,
        records=[w.shared.pk],
        reason="The line exports from their area.",
    )
    kept = len(services._statements)
    share = share_approve(actor=w.ks_approver, share=offered)
    assert _lines(w.wx_clgt, "LENDER") == [f"/shares/{share.pk}/"]
    share_revoke(actor=w.ks_approver, share=share, reason="Done with.")
    assert _lines(w.wx_clgt, "LENDER") == []
    assert len(services._statements) == kept  # the same statement, read afresh each time


def _lines(user, text: str) -> list[str]:
    answer = services.search_run(actor=fresh(user), text=text, types=["county_line"])
    return [row["url"] for row in answer.rows]
