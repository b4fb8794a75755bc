"""The OpenAPI schema is true: a bounded schemathesis run over every operation of /api/, with
every check (`--checks all`: examples, coverage and fuzzing phases, a few examples each, at
most BUDGET_SECONDS), signed in with a token of an ordinary officer (a North supervisor) of a
small force with data, finds no server error, no response that breaks the schema and no
undocumented status code.

Schemathesis runs in-process against the WSGI application (its engine, as the CLI drives it),
so it needs committed rows: the test uses a transactional database. Set SCHEMA_FUZZ_REPORT to
a file name to keep the run's figures and failures."""

from __future__ import annotations

import datetime
import os
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from knox.models import get_token_model
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events
from schemathesis.transport.wsgi import WSGI_TRANSPORT

from countylines.choices import LineRole, LineStatus
from countylines.models import LineNominal, PersonAtRisk
from disruptions.choices import CourtOutcome, DisruptionStatus, ImpactGrade, Strand, Tactic
from disruptions.models import CourtResult, Disruption, Operation
from kentsoc.matrix.recompute import recompute_all
from ocg.choices import CustodyStatus, OcgStatus
from ocg.models import Nominal
from tests.factories import ForceFactory, days_ago, make_line, make_ocg, make_record

pytestmark = pytest.mark.django_db(transaction=True)

MAX_EXAMPLES = 3
# The engine stops at this many seconds, wherever it is; the coverage phase reaches every
# operation well within it.
BUDGET_SECONDS = 140


@pytest.fixture
def in_process_transport(monkeypatch):
    """Schemathesis 4.32's auth probes re-send requests with socket settings (max_redirects,
    verify, ...) that its in-process WSGI client does not take: drop them there."""
    send = WSGI_TRANSPORT.send

    def without_socket_settings(case, **kwargs):
        for name in ("max_redirects", "verify", "cert", "proxies"):
            kwargs.pop(name, None)
        return send(case, **kwargs)

    monkeypatch.setattr(WSGI_TRANSPORT, "send", without_socket_settings)


@pytest.fixture
def api_data(force, supervisor, analyst):
    """A little of everything the API returns, in the supervisor's division (North)."""
    north = force["divisions"]["north"]
    line = make_line(
        north, activated_on=days_ago(40), status=LineStatus.ACTIVE, nominated_on=days_ago(365)
    )
    ocg = make_ocg(
        north, criminality=["drug_supply"], status=OcgStatus.MAPPED, nominated_on=days_ago(365)
    )
    make_record(lines=[line], claims={"drug_class": 2}, on=days_ago(10), grading="2B")
    make_record(ocgs=[ocg], claims={"violence": 1}, on=days_ago(20), grading="2B")
    runner = LineNominal.objects.create(
        county_line=line,
        nominal=Nominal.objects.create(
            force=ForceFactory(),
            reference="NOM-F0001",
            first_name="Rio",
            last_name="Fictional",
            custody_status=CustodyStatus.IN_PRISON,
        ),
        role=LineRole.RUNNER,
    )
    PersonAtRisk.objects.create(
        county_line=line, name="Sam Example", kind="child", age_band="15_17"
    )
    operation = Operation.objects.create(
        force=ForceFactory(),
        name="Fictional intensification week",
        start_date=days_ago(30),
        end_date=days_ago(23),
        created_by=supervisor,
    )
    disruption = Disruption.objects.create(
        date=days_ago(25),
        team=force["teams"]["clgt_north"],
        officer=analyst,
        created_by=analyst,
        operation=operation,
        strand=Strand.PURSUE,
        tactic=Tactic.ARREST,
        impact_grade=ImpactGrade.MODERATE,
        impact_rationale="Fictional rationale.",
        arrests=1,
        status=DisruptionStatus.APPROVED,
        approved_by=supervisor,
        approved_at=datetime.datetime.now(datetime.UTC),
    )
    disruption.county_lines.set([line])
    CourtResult.objects.create(
        disruption=disruption,
        nominal=runner.nominal,
        offences="Fictional offences.",
        outcome=CourtOutcome.CUSTODIAL,
        sentence_years=2,
        sentence_months=3,
        result_date=days_ago(5),
        created_by=supervisor,
    )
    recompute_all()
    return {"line": line, "ocg": ocg}


def _token_auth(schema, user) -> None:
    """Sign every request in with a token of `user`'s, made afresh whenever the run revoked it
    (it calls sign-out, like any other operation)."""

    class OfficerToken:
        key: str | None = None
        pk: int | None = None

        def get(self, case, ctx) -> str:
            model = get_token_model()
            if self.key is None or not model.objects.filter(pk=self.pk).exists():
                token, self.key = model.objects.create(user=user)
                self.pk = token.pk
            return self.key

        def set(self, case, data: str, ctx) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}

    schema.auth(refresh_interval=None)(OfficerToken)


def _run(user) -> dict:
    config = SchemathesisConfig.from_dict(
        {
            "workers": 1,
            # Nothing learnt from earlier runs: each run is the same, and leaves no files.
            "cache": {"enabled": False},
            "max-time": BUDGET_SECONDS,
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
            },
            "phases": {"stateful": {"enabled": False}},
            "checks": {
                # The services refuse schema-valid bodies for rules no JSON schema states (an
                # unknown team id, a name already used, a line needing a district...), with a
                # 400 naming the field: that is the documented answer, not a failure.
                # And a PATCH that names no version (in the body or If-Match) is a 428: the
                # schema can show both ways of naming it, not that one of them is needed.
                "positive_data_acceptance": {
                    "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "428", "429"]
                }
            },
        }
    )
    _, key = get_token_model().objects.create(user=user)
    schema = schemathesis.openapi.from_wsgi(
        "/api/schema/?format=json",
        WSGIHandler(),
        config=config,
        headers={"Authorization": f"Token {key}"},
    )
    _token_auth(schema, user)

    @schema.hook
    def filter_failure(context, failure, case, response) -> bool:
        # List filters are lenient on purpose, as the pages' filter forms are: an empty or
        # unreadable filter value (`?date_of_birth=`) filters nothing rather than refusing.
        return not (case.method == "GET" and failure.title == "Schema-violating request accepted")

    operations = {result.ok().label for result in schema.get_all_operations() if result.ok()}
    run = Run(operations=operations)
    started = time.monotonic()
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished) and event.is_test_scenario:
            run.add(event)
        elif isinstance(event, events.NonFatalError):
            run.errors.append(f"{event.label}: " + "".join(traceback.format_exception(event.value)))
        elif isinstance(event, events.FatalError):
            run.errors.append("".join(traceback.format_exception(event.exception)))
        elif isinstance(event, events.EngineFinished):
            run.stop_reason = event.stop_reason.value
    run.seconds = time.monotonic() - started
    return run


@dataclass
class Run:
    operations: set[str]
    tested: set[str] = field(default_factory=set)
    cases: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    stop_reason: str = ""
    seconds: float = 0.0

    def add(self, event: events.ScenarioFinished) -> None:
        self.cases[event.phase.value] += len(event.recorder.cases)
        if event.status != Status.SKIP:
            self.tested.add(event.label)
        for checks in event.recorder.checks.values():
            for check in checks:
                if check.status != Status.FAILURE or check.failure_info is None:
                    continue
                failure = check.failure_info.failure
                key = f"{event.label}: {failure.title}"
                self.failures[key] += 1
                self.examples.setdefault(
                    key, f"{failure.message}\n{check.failure_info.code_sample}"
                )

    def summary(self) -> str:
        return (
            f"schemathesis: {len(self.operations)} operations ({len(self.tested)} tested), "
            f"{sum(self.cases.values())} cases {dict(self.cases)}, "
            f"{sum(self.failures.values())} failures, {self.seconds:.0f} s, {self.stop_reason}"
        )

    def report(self) -> str:
        found = [f"{k} (x{n})\n{self.examples[k]}" for k, n in self.failures.most_common()]
        return "\n\n".join([self.summary(), *found, *self.errors])


def test_schemathesis_finds_nothing_as_a_supervisor(api_data, in_process_transport, supervisor):
    run = _run(supervisor)
    print(run.summary())
    if os.environ.get("SCHEMA_FUZZ_REPORT"):
        Path(os.environ["SCHEMA_FUZZ_REPORT"]).write_text(run.report())

    assert run.errors == [], run.report()
    assert not run.failures, run.report()
    # Every operation was sent requests (the coverage phase alone reaches them all).
    assert run.tested == run.operations
