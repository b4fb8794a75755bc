import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kentsoc.org.choices import Rank, Role
from ocg.choices import OcgStatus
from tests.conftest import _officer
from tests.factories import evidence_all, make_ocg


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The role fixtures set a password per user; a slow production hasher would dominate.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def north(force):
    return force["divisions"]["north"]


@pytest.fixture
def ocg(north):
    return make_ocg(division=north)


@pytest.fixture
def evidenced_ocg(north):
    ocg = make_ocg(division=north, status=OcgStatus.IN_DEVELOPMENT)
    evidence_all(ocg)
    return ocg


@pytest.fixture
def mapped_ocg(north):
    ocg = make_ocg(division=north, status=OcgStatus.MAPPED, name="Mapped Mob")
    evidence_all(ocg)
    return ocg


@pytest.fixture
def other_lro(force):
    """An LRO of another team, who must not see OCGs they do not manage."""
    return _officer(force, Role.LRO, "soc", "lro_soc", Rank.DS)


def count_queries(fn) -> int:
    """Queries of one request, after a warm-up request: the API test client shares one user
    object between requests, and its first request caches that user's permissions and officer
    profile, which a comparison between row counts must not see."""
    assert fn().status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200
    return len(ctx.captured_queries)
