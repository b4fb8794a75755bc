"""`rescores_deferred`: bulk loads (seed_demo) mark subjects stale without queueing rescores."""

import datetime

import pytest

from kentsoc.broker import mark_stale, rescores_deferred
from ocg.models import OCG

pytestmark = pytest.mark.django_db


@pytest.fixture
def ocg(force):
    return OCG.objects.create(
        name="Fictional Group",
        division=force["divisions"]["north"],
        nominated_on=datetime.date(2022, 1, 5),
    )


def test_inside_the_block_subjects_go_stale_and_nothing_is_queued(
    ocg, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, rescores_deferred():
        mark_stale(OCG, [ocg.pk], subject_type="ocg")
    assert callbacks == []
    ocg.refresh_from_db()
    assert ocg.score_stale_since is not None


def test_after_the_block_changes_queue_a_rescore_again(ocg, django_capture_on_commit_callbacks):
    with rescores_deferred():
        pass
    with django_capture_on_commit_callbacks() as callbacks:
        mark_stale(OCG, [ocg.pk], subject_type="ocg")
    assert len(callbacks) == 1
