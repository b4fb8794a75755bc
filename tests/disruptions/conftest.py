import datetime

import pytest

from countylines.choices import LineStatus
from kentsoc.org.choices import Rank, Role
from ocg.choices import OcgStatus
from tests.factories import OfficerFactory, UserFactory, make_line, make_nominal, make_ocg


@pytest.fixture
def supervisor2(force):
    """A second supervisor, in the Central CLGT."""
    return OfficerFactory(
        user=UserFactory(username="supervisor2"),
        role=Role.SUPERVISOR,
        rank=Rank.DI,
        team=force["teams"]["central_clgt"],
    ).user


@pytest.fixture
def line(force):
    return make_line(
        force["divisions"]["north"],
        status=LineStatus.ACTIVE,
        nominated_on=datetime.date(2021, 1, 1),
    )


@pytest.fixture
def ocg(force):
    return make_ocg(
        force["divisions"]["north"], status=OcgStatus.MAPPED, nominated_on=datetime.date(2021, 1, 1)
    )


@pytest.fixture
def nominal(db):
    return make_nominal()
