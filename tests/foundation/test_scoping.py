"""The scoping helper denies by default: no profile, no rule, no active account means nothing."""

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from kentsoc.org.choices import Role
from kentsoc.org.models import Team
from kentsoc.org.scoping import Access, ScopedQuerySet, access_for

pytestmark = pytest.mark.django_db


def _scoped_models():
    return [
        model
        for model in apps.get_models()
        if isinstance(model._default_manager.all(), ScopedQuerySet)
    ]


def test_police_data_models_are_scoped():
    names = {m._meta.label for m in _scoped_models()}

    assert {"ocg.OCG", "ocg.Nominal", "countylines.CountyLine", "audit.AuditEvent"} <= names
    assert {"intel.IntelligenceRecord", "disruptions.Disruption", "org.Team"} <= names


@pytest.mark.parametrize("who", ["outsider", "anonymous", "nobody"])
def test_without_an_officer_profile_every_model_shows_nothing(request, force, who):
    user = {
        "outsider": lambda: request.getfixturevalue("outsider"),
        "anonymous": AnonymousUser,
        "nobody": lambda: None,
    }[who]()

    assert access_for(user) is None
    for model in _scoped_models():
        assert model._default_manager.visible_to(user).query.is_empty(), model._meta.label


def test_a_deactivated_officer_sees_nothing(analyst):
    assert Team.objects.visible_to(analyst).exists()
    analyst.is_active = False
    analyst.save()

    for model in _scoped_models():
        assert model._default_manager.visible_to(analyst).query.is_empty(), model._meta.label


def test_a_model_without_a_scope_rule_shows_nobody_anything(force, analyst):
    class NoRuleQuerySet(ScopedQuerySet):
        pass

    queryset = NoRuleQuerySet(model=Team)

    assert Team.objects.count() > 0
    assert queryset.visible_to(analyst).query.is_empty()
    assert list(queryset.visible_to(analyst)) == []


def test_hidden_records_are_not_found_rather_than_forbidden(force, analyst, outsider):
    team = force["teams"]["soc"]

    assert Team.objects.get_visible_or_404(analyst, pk=team.pk) == team
    with pytest.raises(Http404):
        Team.objects.get_visible_or_404(outsider, pk=team.pk)
    with pytest.raises(Http404):
        Team.objects.get_visible_or_404(analyst, pk="not-a-number")


def test_every_scope_starts_from_the_officers_force():
    """A QuerySet that names no way to its force (force_path, or its own force_q) would show
    nothing at all; this names any that forgot (issue 19: every scope starts from the force)."""
    access = Access(
        user_id=0,
        role=Role.SUPERVISOR,
        team_id=None,
        team_kind=None,
        division_id=None,
        force_id=0,
    )
    forgot = [
        model._meta.label
        for model in _scoped_models()
        if model._default_manager.all().force_q(access) is None
    ]

    assert not forgot, f"give these QuerySets a force_path: {forgot}"
