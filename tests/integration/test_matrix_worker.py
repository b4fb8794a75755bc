"""The matrix pipeline end to end with a REAL Celery worker process.

API writes in this process -> on_commit enqueue to Redis -> a `celery worker` subprocess rescoring
against the same PostgreSQL test database -> rankings. Then the worker is SIGKILLed while it holds
a rescore, and a fresh worker (helped by the stale sweeper) must finish the job.
"""

from __future__ import annotations

import signal

import pytest
from django.db import connection
from django.utils import timezone

from countylines.models import CountyLine
from kentsoc.matrix.models import Ranking
from tests.integration.worker import real_worker_fixture  # noqa: F401  (the real_worker fixture)

pytestmark = [pytest.mark.integration]


def _north_ranking() -> list[tuple[str, int]]:
    connection.close()  # a fresh snapshot each poll
    return list(
        Ranking.objects.filter(subject_type="county_line", partition="NORTH")
        .order_by("rank")
        .values_list("county_line__name", "total")
    )


def _line(client, name: str, district_id: int, number: str) -> int:
    response = client.post(
        "/api/county-lines/",
        {
            "name": name,
            "exporting_area": "Fictional Borough",
            "importing_districts": [district_id],
            "deal_lines": [number],
            "ocg": None,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    line_id = response.json()["id"]
    # Each criterion needs a graded record behind it; one with no claims changes no score.
    record_id = _intelligence(client, line_id, {})
    for criterion in ("exporting_network", "importing_area", "deal_line", "drug_supply"):
        response = client.post(
            f"/api/county-lines/{line_id}/evidence/",
            {
                "criterion": criterion,
                "text": f"Fictional evidence: {criterion}",
                "records": [record_id],
            },
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
    response = client.post(f"/api/county-lines/{line_id}/activate/")
    assert response.status_code == 200, response.content
    return line_id


def _intelligence(client, line_id: int, claims: dict[str, int], grade: str = "1B") -> int:
    response = client.post(
        "/api/intelligence/",
        {
            "rms_reference": "ATH-FICT-1",
            "information_date": timezone.localdate().isoformat(),
            "summary": "Fictional intelligence for the worker test.",
            "source_evaluation": grade[0],
            "intelligence_assessment": grade[1],
            "handling_code": "P",
            "county_lines": [line_id],
            "factor_claims": [{"factor": f, "level": lv} for f, lv in claims.items()],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_real_worker_ranks_and_survives_sigkill(real_worker, client, supervisor, force, tmp_path):
    client.force_login(supervisor)
    medway = force["districts"]["medway"].pk
    worker = real_worker.start("first")
    blaze = _line(client, "BLAZE", medway, "07700 900101")
    frost = _line(client, "FROST", medway, "07700 900102")
    kings = _line(client, "KINGS", medway, "07700 900103")
    _intelligence(client, frost, {"violence": 3})  # 5 + recency 2
    _intelligence(client, kings, {"weapons": 2, "child_exploitation": 2})  # 11 + 2
    _intelligence(client, blaze, {"drug_class": 1})  # 1 + 2
    expected = [("KINGS", 13), ("FROST", 7), ("BLAZE", 3)]
    real_worker.wait_for(lambda: _north_ranking() == expected, f"ranking {expected}")
    real_worker.stop(worker)

    # A worker that parks inside the rescore (the hook writes the file, then sleeps).
    hold = tmp_path / "holding"
    worker = real_worker.start("doomed", KENTSOC_MATRIX_TEST_HOLD_FILE=str(hold))
    _intelligence(client, blaze, {"weapons": 2, "violence": 3, "cuckooing": 1})
    real_worker.wait_for(hold.exists, "the worker to hold the rescore")
    real_worker.stop(worker, signal.SIGKILL)
    assert CountyLine.objects.get(pk=blaze).score_stale_since is not None
    assert _north_ranking() == expected

    # Nothing lost: a new worker picks the subject up (redelivery, or the stale sweeper).
    real_worker.start("rescuer", KENTSOC_MATRIX_TEST_HOLD_FILE=str(hold))
    from kentsoc.matrix.tasks import requeue_stale_subjects

    requeue_stale_subjects.delay(older_than_seconds=0)
    expected = [("BLAZE", 1 + 5 + 5 + 3 + 2), ("KINGS", 13), ("FROST", 7)]
    real_worker.wait_for(lambda: _north_ranking() == expected, f"ranking {expected}")
    real_worker.wait_for(
        lambda: CountyLine.objects.get(pk=blaze).score_stale_since is None,
        "the stale flag to clear",
    )
