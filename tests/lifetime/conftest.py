import datetime

import pytest
from django.utils import timezone

from ocg.choices import OcgStatus
from tests.factories import MembershipFactory, OcgFactory


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
    return OcgFactory(
        division=force["divisions"]["east"],
        status=OcgStatus.MAPPED,
        managing_team=force["teams"]["soc"],
    )


# Old enough for an SCPO (18 or over on the date it is made).
ADULT_DOB = datetime.date(1990, 5, 17)


def adult_member(ocg):
    """A current member of `ocg` with a date of birth, as the SCPO age rule needs."""
    return MembershipFactory(ocg=ocg, nominal__date_of_birth=ADULT_DOB).nominal


@pytest.fixture
def member(lro_ocg):
    return adult_member(lro_ocg)


@pytest.fixture
def stranger(other_ocg):
    return adult_member(other_ocg)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)
