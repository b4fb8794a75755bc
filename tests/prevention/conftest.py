import pytest

from tests.factories import make_gang


@pytest.fixture
def gang(force):
    return make_gang(force["divisions"]["north"], name="Riverside Youngers", area="Strood")


@pytest.fixture
def east_gang(force):
    return make_gang(force["divisions"]["east"], name="Harbour Crew", area="Margate")
