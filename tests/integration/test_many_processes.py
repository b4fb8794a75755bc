"""More than one machine: two web processes and two Celery workers on one PostgreSQL and Redis.

Two gunicorn processes serve the API to two forces' analysts (token sign-in, as any API client);
a thousand changes (intelligence records added with factor claims, and some deleted again) go
through them, alternately, from several client threads at once, across both forces and four
divisions. Each change marks its subject stale and queues a rescore on Redis; two worker
processes take the rescores. Halfway through, one worker is killed with SIGKILL, probably in the
middle of a rescore. The other must finish the job alone (its unacked message comes back, and its
stale sweep re-enqueues whatever was left stale).

When the queue has drained and nothing is stale, the matrix the workers built must be exactly
what a fresh `recompute_all` builds: `recompute_all` finds not one score to change and produces
the same rankings, every ranking is 1..n with no rank twice, PostgreSQL counted no deadlock and
every request was answered.
"""

from __future__ import annotations

import http.client
import json
import random
import signal
import threading
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
import redis
from django.db import connection

from countylines.choices import LineStatus
from countylines.models import CountyLine
from kentsoc.accounts.models import ApiToken
from kentsoc.matrix.models import Ranking, Score
from kentsoc.matrix.recompute import recompute_all
from kentsoc.org.choices import Rank, Role, TeamKind
from ocg.choices import OcgStatus
from ocg.models import OCG
from tests.factories import (
    DivisionFactory,
    ForceFactory,
    OfficerFactory,
    TeamFactory,
    UserFactory,
    days_ago,
    make_line,
    make_ocg,
)
from tests.integration.worker import real_worker_fixture  # noqa: F401  (the real_worker fixture)

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("real-workers-many-processes")]

CHANGES = 1000
CLIENT_THREADS = 8
SUBJECTS_PER_DIVISION = 4
# Claims a record may make, by the kind of subject it is about (level indexes of the factor).
LINE_CLAIMS = {"violence": (1, 2, 3), "weapons": (1, 2), "drug_class": (0, 1), "cuckooing": (1,)}
OCG_CLAIMS = {"violence": (1, 2, 3), "firearms": (1, 2, 3), "corruption": (1, 2)}
GRADES = ("1B", "2B", "2C", "3C")


class Api:
    """One analyst's token against a web process: JSON in, status and JSON out."""

    def __init__(self, base_url: str, token: str) -> None:
        self.host, self.port = urlsplit(base_url).hostname, urlsplit(base_url).port
        self.token = token

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(
                method,
                path,
                body=None if body is None else json.dumps(body),
                headers={
                    "Authorization": f"Token {self.token}",
                    "Content-Type": "application/json",
                    "Accept": "application/json",
                },
            )
            response = connection.getresponse()
            raw = response.read()
        finally:
            connection.close()
        if response.status >= 400:
            return response.status, {"error": raw.decode(errors="replace")[:500]}
        return response.status, json.loads(raw) if raw else {}


def _analyst(username: str, team) -> object:
    return OfficerFactory(
        user=UserFactory(username=username), role=Role.ANALYST, rank=Rank.STAFF, team=team
    ).user


def _world(force) -> list[dict]:
    """Both forces' subjects on the matrix: active lines in every division and mapped OCGs, each
    with its analyst's token. One dict per force."""
    # A second force built from the plain factories: one division and its CLGT, the analyst's team.
    wx = DivisionFactory(code="WX-NORTH", name="WX North", force=ForceFactory(code="WX"))
    wx_team = TeamFactory(code="WX-CLGT", kind=TeamKind.CLGT, division=wx)
    forces = [
        {
            "analyst": _analyst("analyst-ks", force["teams"]["bureau"]),
            "divisions": [force["divisions"][k] for k in ("north", "east", "west")],
        },
        {"analyst": _analyst("analyst-wx", wx_team), "divisions": [wx]},
    ]
    for n, world in enumerate(forces):
        world["subjects"] = []
        for division in world["divisions"]:
            for i in range(SUBJECTS_PER_DIVISION):
                line = make_line(division, f"CL-{division.code}-{i}", status=LineStatus.ACTIVE)
                world["subjects"].append(("county_lines", line.pk))
            for i in range(2):
                ocg = make_ocg(
                    division, f"OCG-{division.code}-{i}", status=OcgStatus.MAPPED, members=1
                )
                world["subjects"].append(("ocgs", ocg.pk))
        world["token"] = ApiToken.objects.create(user=world["analyst"])[1]
        world["records"] = []
        world["rng"] = random.Random(n)
    return forces


def _record_body(kind: str, subject_id: int, rng: random.Random) -> dict:
    claims = LINE_CLAIMS if kind == "county_lines" else OCG_CLAIMS
    chosen = rng.sample(sorted(claims), rng.randint(1, 2))
    grade = rng.choice(GRADES)
    return {
        "rms_reference": f"ATH-MP-{rng.randint(1, 99999)}",
        "information_date": days_ago(rng.randint(0, 120)).isoformat(),
        "summary": "Fictional intelligence for the many-processes test.",
        "source_evaluation": grade[0],
        "intelligence_assessment": grade[1],
        "handling_code": "P",
        kind: [subject_id],
        "factor_claims": [{"factor": f, "level": rng.choice(claims[f])} for f in chosen],
    }


def _queued(client: redis.Redis, queue: str) -> int:
    # kombu keeps one Redis list per priority step: the queue's name, then suffixed ones.
    return sum(
        client.llen(key) for key in client.scan_iter(f"{queue}*") if client.type(key) == b"list"
    )


def _stale() -> int:
    connection.close()  # a fresh snapshot each poll
    return (
        CountyLine.objects.filter(score_stale_since__isnull=False).count()
        + OCG.objects.filter(score_stale_since__isnull=False).count()
    )


def _matrix() -> tuple[dict, list]:
    """Every current score and every ranking row, as comparable values."""
    scores = {
        (row[0], row[1]): row[2:]
        for row in Score.objects.filter(is_current=True).values_list(
            "county_line_id", "ocg_id", "total", "threat", "risk", "harm", "breakdown", "tier"
        )
    }
    rankings = sorted(
        Ranking.objects.values_list(
            "subject_type", "partition", "division_id", "county_line_id", "ocg_id", "rank", "total"
        )
    )
    return scores, rankings


def _assert_ranks_are_one_to_n() -> None:
    """In every ranking (a division's, or one force's FORCE ranking of OCGs) ranks run 1..n."""
    ranks: dict[tuple, list[int]] = defaultdict(list)
    for row in Ranking.objects.values(
        "subject_type",
        "partition",
        "division_id",
        "rank",
        "ocg__division__force_id",
        "county_line__division__force_id",
    ):
        force_id = row["ocg__division__force_id"] or row["county_line__division__force_id"]
        key = (row["subject_type"], row["partition"], row["division_id"], force_id)
        ranks[key].append(row["rank"])
    assert ranks
    for key, got in ranks.items():
        duplicates = [rank for rank, n in Counter(got).items() if n > 1]
        assert not duplicates, f"rank {duplicates} twice in {key}"
        assert sorted(got) == list(range(1, len(got) + 1)), f"ranks of {key}: {sorted(got)}"


def _deadlocks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def test_two_web_and_two_worker_processes_converge_after_a_worker_is_killed(
    real_worker, force, tmp_path
):
    forces = _world(force)
    recompute_all()
    deadlocks_before = _deadlocks()
    connection.close()  # the processes below see every committed row; this one holds no locks

    # The survivor's stale sweep runs every 2 s for anything stale over 5 s: a short test, not
    # production's 30 s / 60 s (settings.MATRIX_SWEEP_*).
    sweep = {"MATRIX_SWEEP_INTERVAL": "2", "MATRIX_SWEEP_STALE_AFTER": "5"}
    doomed = real_worker.start("worker-a", **sweep)
    survivor = real_worker.start("worker-b", **sweep)
    web = [real_worker.serve("web-1"), real_worker.serve("web-2")]

    answers: Counter = Counter()
    failures: list[str] = []
    lock = threading.Lock()

    def change(n: int) -> None:
        world = forces[1] if n % 4 == 0 else forces[0]  # KS has three divisions, WX one
        with lock:
            rng = world["rng"]
            delete = world["records"] and rng.random() < 0.2
            if delete:
                record_id = world["records"].pop(rng.randrange(len(world["records"])))
            else:
                kind, subject_id = rng.choice(world["subjects"])
                body = _record_body(kind, subject_id, rng)
        api = Api(web[n % len(web)], world["token"])
        if delete:
            status, answer = api.call("DELETE", f"/api/intelligence/{record_id}/", {})
            expected = 204
        else:
            status, answer = api.call("POST", "/api/intelligence/", body)
            expected = 201
        with lock:
            answers[status] += 1
            if status != expected:
                failures.append(f"{status}: {answer}")
            elif not delete:
                world["records"].append(answer["id"])

    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        list(pool.map(change, range(CHANGES // 2)))
        # Midway, with a backlog queued: one worker dies without a chance to ack or clean up.
        real_worker.stop(doomed, signal.SIGKILL)
        list(pool.map(change, range(CHANGES // 2, CHANGES)))

    assert not failures, f"{len(failures)} changes refused, e.g. {failures[:3]}"
    assert sum(answers.values()) == CHANGES

    queue = redis.Redis.from_url(real_worker.redis_url)
    real_worker.wait_for(
        lambda: _queued(queue, real_worker.queue) == 0 and _stale() == 0,
        "the surviving worker to drain the queue and leave nothing stale",
    )
    assert survivor.poll() is None, real_worker.logs()
    assert doomed.poll() is not None

    _assert_ranks_are_one_to_n()
    worked = _matrix()
    summary = recompute_all()
    assert summary.scores_written == 0, "recompute_all found scores the workers left wrong"
    assert _matrix() == worked
    assert _deadlocks() == deadlocks_before
    assert "deadlock" not in real_worker.logs().lower()
