import datetime

import pytest
from django.utils import timezone

from ocg.choices import OcgStatus
from tests.lifetime.factories import MembershipFactory, OcgFactory


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def lro_ocg(force, lro):
    """An adopted OCG in North, led by the `lro` user."""
    return OcgFactory(
        division=force["divisions"]["north"],
        status=OcgStatus.ADOPTED,
        managing_team=force["teams"]["north_local"],
        lead_responsible_officer=lro,
    )


@pytest.fixture
def other_ocg(force):
    """An OCG in East the `lro` user has nothing to do with."""
    return OcgFactory(division=force["divisions"]["east"], managing_team=force["teams"]["soc"])


@pytest.fixture
def member(lro_ocg):
    return MembershipFactory(ocg=lro_ocg).nominal


@pytest.fixture
def stranger(other_ocg):
    return MembershipFactory(ocg=other_ocg).nominal


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)
