import pytest

from kentsoc.org.choices import Rank, Role
from tests.conftest import _officer
from tests.factories import make_gang


@pytest.fixture
def east_clio(force):
    return _officer(force, Role.CLIO, "clgt_east", "clio_east", Rank.PC)


@pytest.fixture
def clio_coordinator(force):
    """The CLIO coordinator: a CLIO of a force-wide team, with no division of their own."""
    return _officer(force, Role.CLIO, "central_clgt", "clio_coordinator", Rank.PS)


@pytest.fixture
def east_supervisor(force):
    return _officer(force, Role.SUPERVISOR, "ocgmu", "supervisor_east", Rank.DS, "east")


@pytest.fixture
def gang(force):
    return make_gang(force["divisions"]["north"], name="Riverside Youngers", area="Strood")


@pytest.fixture
def east_gang(force):
    return make_gang(force["divisions"]["east"], name="Harbour Crew", area="Margate")
