"""The search box's benchmark (issue 17's Speed): `make bench` runs it after the dashboard's.

The national data set names every person "Bench PersonN" and gives every record one sentence,
which no search would struggle with; `dress_for_search` first gives the people fictional names,
aliases and dates of birth from short lists, and the records summaries from a few templates
naming drugs, places and deal-line numbers (once: it is skipped when the people already have
names). Then a supervisor's type-ahead (/search/suggest/) and full results page (/search/) are
timed over a mix of what officers type (misspelt names, nicknames, phone numbers in several
spellings, references, words and quoted phrases), in-process (server time, no network), against
the results template rendered with no data behind the same decorators (/bench/bare-search/).
Goal: p95 under 50 ms for the type-ahead and 150 ms for the results page.

Standalone (the data set must exist, e.g. from a `make bench`): `python bench/search.py` with
make bench's environment.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kentsoc.settings")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")

FIRST = [
    "John", "Jon", "Jonathan", "William", "Mohammed", "Muhammad", "Mohamed", "Daniel", "James",
    "Michael", "Robert", "Thomas", "Kieran", "Callum", "Liam", "Tyrone", "Ahmed", "Adam", "Ryan",
    "Jordan", "Aaron", "Connor", "Jamal", "Kai", "Leon", "Marcus", "Nathan", "Reece", "Zoë",
    "Chloe", "Jade", "Megan", "Sophie", "Aisha", "Amira", "Kayla", "Leah", "Paige", "Shannon",
]  # fmt: skip
LAST = [
    "Smith", "Smyth", "Jones", "Brown", "Taylor", "Khan", "Ahmed", "Ali", "Hussain", "Patel",
    "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall",
    "Wood", "Harris", "Clarke", "Jackson", "Turner", "Hill", "Moore", "O'Brien", "Murphy", "Kelly",
    "Campbell", "Stewart", "Okafor", "Mensah", "Nowak", "Kowalski", "Dunmore", "Ashdown", "Fairley",
]  # fmt: skip
ALIASES = ["", "", "", "Tiny", "Smiler", "Bones", "Dee", "Jonno", "Mo", "Big M", "K-Dog", "Sly"]
SUMMARIES = [
    "Fictional: {who} is supplying crack cocaine and heroin from a flat in {place}.",
    "Fictional: the deal line {number} sent a bulk message advertising class A drugs in {place}.",
    "Fictional: runners aged about 15 are travelling by train from London to {place}.",
    "Fictional: {who} was seen carrying a bladed weapon near {place} station.",
    "Fictional: cash is being stored at a lock-up on Quay Street, {place}, by {who}.",
    "Fictional: a vulnerable adult's flat in {place} is being used to deal (cuckooing).",
    "Fictional: handsets were swapped at a car park in {place}; the new number is {number}.",
]
PLACES = ["Margate", "Ramsgate", "Chatham", "Gillingham", "Maidstone", "Dover", "Folkestone"]
# What officers type: names misspelt and by nickname, phones in several spellings, references,
# words and phrases, and the two letters a type-ahead first sees.
QUERIES = [
    "jon smyth",
    "mohamed khan",
    "bill brown",
    "smith 1996",
    "kieran dunmoore",
    "sm",
    "07700 900123",
    "+44 7700 900456",
    "447700900789",
    "BN-001234",
    "BINT-004321",
    "cocaine margate",
    '"Quay Street"',
    "bladed weapon",
    "tiny",
]
REQUESTS = int(os.environ.get("BENCH_SEARCH_REQUESTS", "4"))


def dress_for_search() -> bool:
    """Fictional names, aliases, dates of birth and summaries on the bench data set; False when
    it had them already."""
    from django.db import connection, transaction

    from ocg.models import Nominal

    if not Nominal.objects.filter(first_name="Bench").exists():
        return False
    with transaction.atomic(), connection.cursor() as cursor:
        # The trigger (ocg migration 0004) rewrites each person's search columns as it goes.
        cursor.execute(
            """
            UPDATE ocg_nominal SET
                first_name = (%(first)s::text[])[1 + id %% %(nf)s],
                last_name = (%(last)s::text[])[1 + (id / %(nf)s) %% %(nl)s],
                aliases = (%(aliases)s::text[])[1 + (id * 7) %% %(na)s],
                date_of_birth = DATE '1975-01-01' + ((id * 37) %% 12000)::int
            """,
            {
                "first": FIRST,
                "last": LAST,
                "aliases": ALIASES,
                "nf": len(FIRST),
                "nl": len(LAST),
                "na": len(ALIASES),
            },
        )
        cursor.execute(
            """
            UPDATE intel_intelligencerecord SET summary = replace(replace(replace(
                (%(templates)s::text[])[1 + id %% %(nt)s],
                '{who}', (%(first)s::text[])[1 + id %% %(nf)s] || ' '
                         || (%(last)s::text[])[1 + (id / 3) %% %(nl)s]),
                '{place}', (%(places)s::text[])[1 + (id / 7) %% %(np)s]),
                '{number}', '07700 900' || lpad(((id * 13) %% 1000)::text, 3, '0'))
            """,
            {
                "templates": SUMMARIES,
                "first": FIRST,
                "last": LAST,
                "places": PLACES,
                "nt": len(SUMMARIES),
                "nf": len(FIRST),
                "nl": len(LAST),
                "np": len(PLACES),
            },
        )
    with connection.cursor() as cursor:
        # Rewriting every row left a dead copy of each: vacuumed, as autovacuum would soon do,
        # so the timings are of the tables a live system has, not of twice as many pages.
        cursor.execute("VACUUM ANALYZE ocg_nominal")
        cursor.execute("VACUUM ANALYZE intel_intelligencerecord")
    return True


def bench_search(supervisor) -> None:
    import time

    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from bench.run import percentiles, time_requests

    dressed = dress_for_search()
    if dressed:
        print("search: gave the bench people names and the records summaries")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(supervisor)
    queries = [0]

    def count(execute, sql, params, many, context):
        queries[0] += 1
        return execute(sql, params, many, context)

    results = {}
    with override_settings(ROOT_URLCONF="bench.urls"):
        for name, path in (
            ("type-ahead", "/search/suggest/"),
            ("results page", "/search/"),
            ("bare", "/bench/bare-search/"),
        ):
            samples, cpu, counts = [], [], set()
            for text in QUERIES:

                def get(text: str = text, path: str = path) -> object:
                    response = client.get(path, {"q": text})
                    if response.status_code != 200:
                        sys.exit(f"GET {path}?q={text}: HTTP {response.status_code}")
                    return response

                queries[0] = 0
                with connection.execute_wrapper(count):
                    get()
                counts.add(queries[0])
                started = time.process_time()
                samples.extend(time_requests(get, REQUESTS))
                # This process's CPU per request (two warm-up requests included): Python's share
                # of the server time, which moves less than wall time on a loaded machine.
                cpu.append((time.process_time() - started) / (REQUESTS + 2))
            results[name] = percentiles(samples)
            median, p95 = results[name]
            print(
                f"search {name}, {len(samples)} requests over {len(QUERIES)} queries: "
                f"median {median:.0f} ms, p95 {p95:.0f} ms, Python CPU "
                f"{1000 * sum(cpu) / len(cpu):.1f} ms a request "
                f"({'/'.join(str(c) for c in sorted(counts))} queries)"
            )
    (_, typeahead), (_, page), (_, bare) = (
        results["type-ahead"],
        results["results page"],
        results["bare"],
    )
    print(
        f"search p95 goals: type-ahead {typeahead:.0f} ms (< 50), results page {page:.0f} ms "
        f"(< 150); bare template p95 {bare:.0f} ms"
    )


def main() -> None:
    import django

    django.setup()
    from bench.run import bench_users

    bench_search(bench_users()["supervisor"])


if __name__ == "__main__":
    main()
