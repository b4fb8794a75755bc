"""Shares (issue 19 item 2): asked for or offered, approved only by another supervisor of the
owning force, audited, time-limited and revocable; a live share lends exactly its subject, its
chosen code-P intelligence and the approved disruptions on it to the receiving force's readers,
and nothing once it is refused, revoked, expired or still pending."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from countylines.models import CountyLine
from disruptions.models import Disruption
from disruptions.services.disruptions import disruption_create
from kentsoc.audit.models import AuditEvent
from kentsoc.dates import today
from kentsoc.intel.models import IntelligenceRecord
from kentsoc.intel.services.records import intelligence_create
from kentsoc.matrix.models import Score
from kentsoc.matrix.services import subject_rescore
from kentsoc.org.scoping import CONTRIBUTE, READ
from kentsoc.sharing.choices import ShareState
from kentsoc.sharing.models import Share
from kentsoc.sharing.services import (
    share_approve,
    share_ask,
    share_offer,
    share_refuse,
    share_revoke,
)
from kentsoc.trh.choices import RankedSubject
from ocg.models import OCG
from tests.factories import disruption_values, make_disruption
from tests.sharing.conftest import fresh

pytestmark = pytest.mark.django_db


def _offer(w, **kwargs):
    values = {"records": [w.shared.pk], "reason": "The line exports from their area."}
    values.update(kwargs)
    return share_offer(
        actor=w.ks_supervisor, subject=w.line, receiving_force=w.wx["force"], **values
    )


def _live(w, **kwargs):
    return share_approve(actor=w.ks_approver, share=_offer(w, **kwargs))


def _lent_lines(user):
    return set(CountyLine.objects.visible_to(fresh(user), lent=READ).values_list("pk", flat=True))


def _lent_records(user):
    qs = IntelligenceRecord.objects.visible_to(fresh(user), lent=READ)
    return set(qs.values_list("pk", flat=True))


def test_a_live_share_lends_the_line_and_its_chosen_intelligence_only(world):
    w = world
    _live(w)

    for reader in (w.wx_supervisor, w.wx_clgt, w.wx_analyst):
        assert _lent_lines(reader) == {w.line.pk}
    # Chosen, code P: lent. Not chosen, or code C: not.
    for reader in (w.wx_supervisor, w.wx_clgt, w.wx_analyst):
        assert _lent_records(reader) == {w.shared.pk}
    # The line's OCG was not shared.
    assert not OCG.objects.visible_to(fresh(w.wx_supervisor), lent=READ).exists()
    # Roles that read no lines at home read none lent.
    for outsider in (w.wx_lro, w.wx_auditor):
        assert _lent_lines(outsider) == set()
        assert _lent_records(outsider) == set()


def test_plain_visible_to_never_includes_a_lent_record(world):
    """Pages and services that change records read without `lent`: a lent line is not theirs."""
    w = world
    _live(w)
    assert not CountyLine.objects.visible_to(fresh(w.wx_supervisor)).filter(pk=w.line.pk).exists()
    assert not IntelligenceRecord.objects.visible_to(fresh(w.wx_clgt)).exists()


@pytest.mark.parametrize("ending", ["pending", "refused", "revoked", "expired", "not_started"])
def test_a_share_that_is_not_live_lends_nothing(world, ending):
    w = world
    share = _offer(w)
    if ending == "refused":
        share_refuse(actor=w.ks_approver, share=share, reason="Not needed.")
    elif ending == "revoked":
        share_approve(actor=w.ks_approver, share=share)
        share_revoke(actor=w.ks_supervisor, share=share, reason="Operation over.")
    elif ending == "expired":
        share_approve(actor=w.ks_approver, share=share)
        Share.objects.filter(pk=share.pk).update(
            starts_on=today() - datetime.timedelta(days=91),
            ends_on=today() - datetime.timedelta(days=1),
        )
    elif ending == "not_started":
        share.delete()
        share = _offer(w, starts_on=today() + datetime.timedelta(days=3))
        share_approve(actor=w.ks_approver, share=share)

    for reader in (w.wx_supervisor, w.wx_clgt, w.wx_analyst):
        assert _lent_lines(reader) == set()
        assert _lent_records(reader) == set()


def test_handling_conditions_still_apply(world):
    w = world
    with pytest.raises(ValidationError) as refused:
        _offer(w, records=[w.code_c.pk])
    assert "handling code C" in str(refused.value.message_dict["records"])
    # A record regraded to code C after it was shared stops being lent.
    _live(w)
    IntelligenceRecord.objects.filter(pk=w.shared.pk).update(
        handling_code="C", handling_conditions="Owner only"
    )
    assert _lent_records(w.wx_clgt) == set()


def test_only_another_supervisor_of_the_owning_force_approves(world):
    w = world
    share = _offer(w)
    with pytest.raises(PermissionDenied, match="you asked"):
        share_approve(actor=w.ks_supervisor, share=share)
    with pytest.raises(PermissionDenied):
        share_approve(actor=w.wx_supervisor, share=share)
    with pytest.raises(PermissionDenied):
        share_approve(actor=w.ks_clgt, share=share)
    with pytest.raises(PermissionDenied):
        share_refuse(actor=w.wx_approver, share=share, reason="Mine to refuse?")
    share.refresh_from_db()
    assert share.state == ShareState.REQUESTED
    assert share_approve(actor=w.ks_approver, share=share).state == ShareState.APPROVED


def test_the_receiving_force_asks_by_reference_and_the_owner_chooses_the_intelligence(world):
    w = world
    share = share_ask(actor=w.wx_supervisor, reference=w.line.reference, reason="Our runners.")
    assert (share.owner_force_id, share.receiving_force_id) == (
        w.ks["divisions"]["north"].force_id,
        w.wx["force"].pk,
    )
    # The asking force cannot approve its own request.
    with pytest.raises(PermissionDenied):
        share_approve(actor=w.wx_approver, share=share)
    share_approve(actor=w.ks_supervisor, share=share, records=[w.shared.pk])
    assert _lent_records(w.wx_clgt) == {w.shared.pk}
    # An unknown reference and one's own force's are refused alike.
    for reference in ("CL-9999", w.line.reference):
        with pytest.raises(ValidationError):
            share_ask(actor=w.ks_supervisor, reference=reference, reason="Ours already.")


def test_time_limit_default_and_maximum(world):
    w = world
    share = _offer(w)
    assert (share.starts_on, share.ends_on) == (today(), today() + datetime.timedelta(days=90))
    share.delete()
    with pytest.raises(ValidationError) as refused:
        _offer(w, ends_on=today() + datetime.timedelta(days=366))
    assert "ends_on" in refused.value.message_dict
    with pytest.raises(ValidationError):
        _offer(w, starts_on=today() - datetime.timedelta(days=1))


def test_one_open_request_and_one_running_share_per_force(world):
    w = world
    share = _offer(w)
    with pytest.raises(ValidationError):
        _offer(w)
    share_approve(actor=w.ks_approver, share=share)
    with pytest.raises(ValidationError, match="already shared"):
        _offer(w)


def test_every_step_is_audited(world):
    w = world
    share = _offer(w)
    share_approve(actor=w.ks_approver, share=share)
    share_revoke(actor=w.wx_supervisor, share=share, reason="We have what we need.")
    other = _offer(w)
    share_refuse(actor=w.ks_approver, share=other, reason="Covered by the first.")

    events = AuditEvent.objects.filter(object_type="sharing.share").order_by("id")
    assert [(e.object_id, e.action, e.changes.get("state")) for e in events] == [
        (str(share.pk), "create", [None, "requested"]),
        (str(share.pk), "update", ["requested", "approved"]),
        (str(share.pk), "update", ["approved", "revoked"]),
        (str(other.pk), "create", [None, "requested"]),
        (str(other.pk), "update", ["requested", "refused"]),
    ]
    assert events[2].reason == "We have what we need."


def test_contribute_access_lets_the_receiving_force_add_intelligence_and_disruptions(world):
    w = world
    with pytest.raises(ValidationError):
        # Read-only: the line cannot be named on another force's record.
        share = _live(w)
        intelligence_create(
            actor=fresh(w.wx_clgt),
            information_date=today(),
            summary="Runner seen at the station",
            source_evaluation="1",
            intelligence_assessment="B",
            handling_code="P",
            county_lines=[w.line.pk],
        )
    share_revoke(actor=w.ks_supervisor, share=share, reason="Upgrade to contribute.")
    _live(w, access=CONTRIBUTE)

    added = intelligence_create(
        actor=fresh(w.wx_clgt),
        information_date=today(),
        summary="Runner seen at the station",
        source_evaluation="1",
        intelligence_assessment="B",
        handling_code="P",
        county_lines=[w.line.pk],
        factor_claims=[{"factor": "weapons", "level": 2}],
    )
    assert added.force_id == w.wx["force"].pk
    logged = disruption_create(
        actor=fresh(w.wx_clgt),
        values=disruption_values(w.wx["teams"]["clgt_north"], date=today()),
        county_lines=[w.line],
    )
    # The owner reads what the other force added to its line ...
    owner = fresh(w.ks_clgt)
    assert IntelligenceRecord.objects.visible_to(owner).filter(pk=added.pk).exists()
    assert Disruption.objects.visible_to(fresh(w.ks_supervisor)).filter(pk=logged.pk).exists()
    # ... and its score counts it: the score stays the owner's, one score for the line.
    subject_rescore(subject_type=RankedSubject.COUNTY_LINE, subject_id=w.line.pk)
    score = Score.objects.get(county_line=w.line, is_current=True)
    weapons = next(f for f in score.breakdown if f["factor"] == "weapons")
    assert (weapons["points"], weapons["records"]) == (5, [added.pk])


def test_the_lent_line_does_not_enter_the_receiving_forces_ranking(world):
    from kentsoc.matrix.models import Ranking

    w = world
    _live(w)
    subject_rescore(subject_type=RankedSubject.COUNTY_LINE, subject_id=w.line.pk)
    assert Ranking.objects.filter(county_line=w.line).exists()
    assert not Ranking.objects.visible_to(fresh(w.wx_supervisor)).exists()
    disruption = make_disruption(
        author=w.ks_clgt,
        team=w.ks["teams"]["clgt_north"],
        approver=w.ks_supervisor,
        lines=[w.line],
    )
    lent = Disruption.objects.visible_to(fresh(w.wx_clgt), lent=READ)
    assert set(lent.values_list("pk", flat=True)) == {disruption.pk}
