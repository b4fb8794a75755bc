"""Fifty officers at once (issue 18): what `make loadtest` runs in locust, headless.

Each simulated officer signs in the way an officer does (the sign-in page with their password,
then the six-digit code of their authenticator app, computed here from the key bench/loadtest.py
gave their app), then works through their role's pages and API lists with 0.5-1.5 s between
clicks; analysts add intelligence records and CLGT officers submit disruptions, through the API.
Who they are and the pages they open (bench/loadtest.py ROLE_PAGES, with ids of records each
may see) are in the JSON file named by LOADTEST_USERS.

This file is imported by locust only (its own virtualenv): nothing of kentsoc is imported.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import itertools
import json
import os
import random
import struct
import threading
import time

from locust import HttpUser, between, task

with open(os.environ["LOADTEST_USERS"]) as handle:
    PLAN = json.load(handle)
_next = itertools.count()
_lock = threading.Lock()


def totp(hex_key: str, at: float, step: int = 30, digits: int = 6) -> str:
    """RFC 6238, as django-otp's TOTP computes it (SHA-1, 30 s, 6 digits)."""
    counter = struct.pack(">Q", int(at // step))
    digest = hmac.new(bytes.fromhex(hex_key), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{code % 10**digits:0{digits}d}"


class Officer(HttpUser):
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
        for cookie in self.client.cookies:
            cookie.secure = False

    def _csrf(self) -> str:
        self._cookies()
        return self.client.cookies.get("csrftoken", "")

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

    def _get(self, name: str, path: str) -> None:
        self._cookies()
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")

    @task(10)
    def browse(self) -> None:
        self._get(*random.choice(self.pages))

    @task(1)
    def write(self) -> None:
        role = self.me["role"]
        if role == "analyst":
            self.add_intelligence()
        elif role == "clgt_officer":
            self.submit_disruption()
        else:
            self._get(*random.choice(self.pages))

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
                "county_lines": [self.me["ids"]["line"]],
                "factor_claims": [{"factor": "violence", "level": random.randint(1, 3)}],
            },
        )

    def submit_disruption(self) -> None:
        created = self._post_json(
            "log a disruption (API)",
            "/api/disruptions/",
            {
                "date": datetime.date.today().isoformat(),
                "county_lines": [self.me["ids"]["line"]],
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
