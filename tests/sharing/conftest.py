"""Two forces for the share tests: Kent-shire (the `force` fixture) owns a line and an OCG;
Wessex-shire (WX) is the exporting force it lends them to."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model

from kentsoc.org.choices import Rank, Role
from ocg.choices import OcgStatus
from tests.factories import (
    OfficerFactory,
    UserFactory,
    make_line,
    make_ocg,
    make_record,
    other_force,
)


def fresh(user):
    """The same officer as a new request would load them (access is cached per user object)."""
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def wx(force):
    return other_force()


def _officer(team, role, username, division=None):
    return OfficerFactory(
        user=UserFactory(username=username), role=role, rank=Rank.DS, team=team, division=division
    ).user


@pytest.fixture
def world(force, wx, supervisor):
    north = force["divisions"]["north"]
    ocg = make_ocg(north, name="Fictional Sharecrew", status=OcgStatus.MAPPED)
    line = make_line(north, name="LENDER", status="active", ocg=ocg)
    shared = make_record(lines=[line], claims=[("violence", 2)], summary="Shareable tip-off")
    kept = make_record(lines=[line], summary="Not chosen for sharing")
    code_c = make_record(lines=[line], grading="1AC", summary="Conditions bind this one")
    wx_north = wx["divisions"]["north"]
    return SimpleNamespace(
        ocg=ocg,
        line=line,
        shared=shared,
        kept=kept,
        code_c=code_c,
        ks=force,
        wx=wx,
        ks_supervisor=supervisor,
        ks_approver=_officer(force["teams"]["ocgmu"], Role.SUPERVISOR, "ks_approver", north),
        ks_clgt=_officer(force["teams"]["clgt_north"], Role.CLGT_OFFICER, "ks_clgt", north),
        wx_supervisor=_officer(wx["teams"]["ocgmu"], Role.SUPERVISOR, "wx_supervisor", wx_north),
        wx_approver=_officer(wx["teams"]["ocgmu"], Role.SUPERVISOR, "wx_approver", wx_north),
        wx_clgt=_officer(wx["teams"]["clgt_north"], Role.CLGT_OFFICER, "wx_clgt", wx_north),
        wx_analyst=_officer(wx["teams"]["bureau"], Role.ANALYST, "wx_analyst"),
        wx_lro=_officer(wx["teams"]["soc"], Role.LRO, "wx_lro", wx_north),
        wx_auditor=_officer(wx["teams"]["bureau"], Role.AUDITOR, "wx_auditor"),
    )
