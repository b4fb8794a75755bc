import pytest

from kentsoc.org.choices import Rank, Role
from tests.conftest import _officer
from tests.factories import make_line


@pytest.fixture
def line(force):
    d = force["districts"]
    return make_line(districts=[d["medway"], d["dartford"]], numbers=["07700900123"])


@pytest.fixture
def east_clgt_officer(force):
    return _officer(force, Role.CLGT_OFFICER, "clgt_east", "clgt_east", Rank.DC)


@pytest.fixture
def central_clgt_officer(force):
    return _officer(force, Role.CLGT_OFFICER, "central_clgt", "clgt_central", Rank.DC)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The role fixtures set a password per user; a slow production hasher would dominate.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
