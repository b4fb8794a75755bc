"""Fifty officers at once (issue 18): what `make loadtest` runs in locust, headless.

Each simulated officer signs in the way an officer does (the sign-in page with their password,
then the six-digit code of their authenticator app, computed here from the key bench/loadtest.py
gave their app), then works through their role's pages and API lists with 0.5-1.5 s between
clicks; analysts add intelligence records and CLGT officers submit disruptions, through the API,
on a line they may add to (an officer with none browses instead). Officers who may search type in
the header's search box as a browser sends it (htmx asks for suggestions as they type, then
they open the results page), and supervisors watch the matrix dashboard, whose live figures
poll for a re-rank every 3 s while it is open. Who they are and the pages they open
(bench/loadtest.py ROLE_PAGES, with ids of records each may see) are in the JSON file named by
LOADTEST_USERS.

The officers use locust's FastHttpUser (geventhttpclient), not HttpUser (requests): locust runs
on the same two cores as the server it measures, and the requests-based client cost it about
5 ms of CPU a request, CPU the server then did not have; the fast client costs about 1.5.

This file is imported by locust only (its own virtualenv): nothing of kentsoc is imported.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import html
import itertools
import json
import os
import random
import re
import struct
import threading
import time
from urllib.parse import quote

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

with open(os.environ["LOADTEST_USERS"]) as handle:
    PLAN = json.load(handle)
_next = itertools.count()
_lock = threading.Lock()
# Every request's (when it was sent, in seconds from the first; name; milliseconds), written to
# LOADTEST_TIMELINE when locust stops: bench/loadtest.py tells from it when the slow ones came.
_timeline: list[tuple[float, str, float]] = []


@events.request.add_listener
def _record(name: str, response_time: float, **_: object) -> None:
    _timeline.append((time.monotonic() - response_time / 1000, name, response_time))


@events.quitting.add_listener
def _write_timeline(**_: object) -> None:
    if os.environ.get("LOADTEST_TIMELINE") and _timeline:
        first = min(t for t, _, _ in _timeline)
        with open(os.environ["LOADTEST_TIMELINE"], "w") as handle:
            json.dump([(round(t - first, 3), n, round(ms, 1)) for t, n, ms in _timeline], handle)


def totp(hex_key: str, at: float, step: int = 30, digits: int = 6) -> str:
    """RFC 6238, as django-otp's TOTP computes it (SHA-1, 30 s, 6 digits)."""
    counter = struct.pack(">Q", int(at // step))
    digest = hmac.new(bytes.fromhex(hex_key), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{code % 10**digits:0{digits}d}"


class Officer(FastHttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        with _lock:
            self.me = PLAN["users"][next(_next) % len(PLAN["users"])]
        self.pages = [tuple(page) for page in self.me["pages"]]
        self.sign_in()

    def _cookies(self) -> None:
        # The app marks its cookies Secure (DEBUG off); this test talks plain HTTP on loopback,
        # where a browser behind the TLS proxy would send them back: so do we, before each
        # request (the last answer may have set or rotated one).
        for cookie in self.client.cookiejar:
            cookie.secure = False

    def _csrf(self) -> str:
        self._cookies()
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return cookie.value or ""
        return ""

    def sign_in(self) -> None:
        self.client.get("/login/", name="sign in: page")
        with self.client.post(
            "/login/",
            data={
                "username": self.me["username"],
                "password": PLAN["password"],
                "csrfmiddlewaretoken": self._csrf(),
            },
            name="sign in: password",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/login/code/" not in response.headers.get(
                "Location", ""
            ):
                response.failure(f"password step answered {response.status_code}")
                return
        with self.client.post(
            "/login/code/",
            data={
                "otp": totp(self.me["totp_key"], time.time()),
                "csrfmiddlewaretoken": self._csrf(),
            },
            name="sign in: code",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"code step answered {response.status_code}")

    def _get(
        self, name: str, path: str, *, htmx: bool = False, expect: tuple[int, ...] = (200,)
    ) -> str:
        self._cookies()
        headers = {"HX-Request": "true"} if htmx else None
        with self.client.get(
            path, name=name, headers=headers, allow_redirects=False, catch_response=True
        ) as r:
            if r.status_code not in expect:
                r.failure(f"HTTP {r.status_code}")
            return r.text

    @task(10)
    def browse(self) -> None:
        self._get(*random.choice(self.pages))

    @task(1)
    def write(self) -> None:
        role = self.me["role"]
        if role == "analyst" and self.me["ids"]["write_line"]:
            self.add_intelligence()
        elif role == "clgt_officer" and self.me["ids"]["write_line"]:
            self.submit_disruption()
        else:
            self._get(*random.choice(self.pages))

    @task(3)
    def search(self) -> None:
        """The header's search box: htmx asks for suggestions when the typing pauses (250 ms
        after the last key, templates/search/partials/box.html), then the officer opens the
        results page (Enter)."""
        if not self.me["search_terms"]:
            self._get(*random.choice(self.pages))
            return
        term = random.choice(self.me["search_terms"])
        self._get("search: suggestions (htmx)", f"/search/suggest/?q={quote(term[:3])}", htmx=True)
        time.sleep(0.25 + 0.1 * (len(term) - 3))  # typing the rest, then the pause htmx waits for
        self._get("search: suggestions (htmx)", f"/search/suggest/?q={quote(term)}", htmx=True)
        self._get("search: results", f"/search/?q={quote(term)}")

    @task(2)
    def watch_dashboard(self) -> None:
        """A supervisor opens the matrix dashboard and reads it: the page polls its live figures
        every 3 s (htmx, templates/matrix/partials/live.html), 204 while nothing was re-ranked."""
        if not self.me["dashboard"]:
            self._get(*random.choice(self.pages))
            return
        page = self._get("matrix dashboard", self.me["dashboard"])
        found = re.search(r'data-token="([^"]*)"', page)
        if not found:
            return
        time.sleep(3)  # reading the page until the first poll
        self._get(
            "dashboard live figures (htmx poll)",
            f"{self.me['live']}?token={quote(html.unescape(found.group(1)))}",
            htmx=True,
            expect=(200, 204),
        )

    def _post_json(self, name: str, path: str, body: dict) -> dict | None:
        with self.client.post(
            path,
            json=body,
            headers={"X-CSRFToken": self._csrf()},
            name=name,
            catch_response=True,
        ) as response:
            if response.status_code not in (200, 201):
                response.failure(f"HTTP {response.status_code}: {response.text[:200]}")
                return None
            return response.json()

    def add_intelligence(self) -> None:
        self._post_json(
            "add an intelligence record (API)",
            "/api/intelligence/",
            {
                "information_date": datetime.date.today().isoformat(),
                "summary": "Fictional load-test sighting near the deal line's usual meet.",
                "source_evaluation": "1",
                "intelligence_assessment": "B",
                "handling_code": "P",
                "county_lines": [self.me["ids"]["write_line"]],
                "factor_claims": [{"factor": "violence", "level": random.randint(1, 3)}],
            },
        )

    def submit_disruption(self) -> None:
        created = self._post_json(
            "log a disruption (API)",
            "/api/disruptions/",
            {
                "date": datetime.date.today().isoformat(),
                "county_lines": [self.me["ids"]["write_line"]],
                "strand": "pursue",
                "tactic": "arrest",
                "impact_grade": "minor",
                "impact_rationale": "Fictional load-test arrest of a runner.",
                "narrative": "Fictional: one runner arrested at the usual meet.",
                "arrests": 1,
            },
        )
        if created is not None:
            self._post_json(
                "submit a disruption (API)",
                f"/api/disruptions/{created['id']}/submit/",
                {"version": created.get("version")},
            )
