"""Bad input gets a clear page (or, under /api/, a JSON body), an audit row where relevant, and
never a stack trace or a 500."""

import datetime
import json
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from disruptions.models import Disruption, Operation
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.intel.models import IntelligenceRecord
from kentsoc.limits import LONG_TEXT, REASON_TEXT
from kentsoc.web.errors import lockout_response
from tests.clients import web
from tests.factories import TEST_PASSWORD, make_nominal

pytestmark = pytest.mark.django_db

LEAKS = ["Traceback", "File &quot;", 'File "', "site-packages", "kentsoc-internal-detail", "DEBUG"]


def _clean(html: str) -> None:
    for leak in LEAKS:
        assert leak not in html, leak


def _sign_in(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_wrong_password(client, coordinator):
    response = _sign_in(client, "coordinator", "definitely-wrong-1")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="login-error"' in html
    assert "Please enter a correct username and password" in html
    assert 'value="coordinator"' in html  # the name is kept, the password is not
    assert "definitely-wrong-1" not in html
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.get().action == AuditAction.LOGIN_FAILED


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(client, coordinator):
    def page(username):
        html = _sign_in(client, username, "whatever-it-is-1").content.decode()
        # CSRF tokens are masked afresh on every response.
        return re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', "", html)

    unknown = page("ghost.user")
    wrong = page("coordinator")

    assert "Please enter a correct username and password" in unknown
    # Nothing says whether the account exists.
    assert unknown.replace("ghost.user", "X") == wrong.replace("coordinator", "X")
    event = AuditEvent.objects.filter(actor_username="ghost.user").get()
    assert (event.action, event.actor) == (AuditAction.LOGIN_FAILED, None)


def test_empty_form(client, force):
    response = client.post("/login/", {})

    assert response.status_code == 200
    assert "Sign in" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_expired_session_goes_back_to_sign_in(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))

    response = client.get("/ocgs/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/ocgs/"
    page = client.get(response["Location"]).content.decode()
    assert "your session may have expired" in page
    _clean(page)


def test_csrf_failure_on_sign_in_is_a_clean_page(coordinator):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/login/", {"username": "coordinator", "password": TEST_PASSWORD})

    assert response.status_code == 403
    html = response.content.decode()
    assert "This form has expired" in html
    assert "Nothing was saved" in html
    assert "CSRF verification failed" not in html
    _clean(html)
    assert SESSION_KEY not in client.session
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


def test_csrf_failure_when_signed_in_changes_nothing(coordinator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)

    response = client.post("/logout/")

    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
    assert client.session[SESSION_KEY] == str(coordinator.pk)


@pytest.mark.parametrize("url", ["/no-such-page/", "/ocgs/999999999/", "/audit/nothing/"])
def test_unknown_address_is_a_clean_404(client, coordinator, url):
    client.force_login(coordinator)

    response = client.get(url)

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "Go to your home page" in html
    _clean(html)


def test_unknown_api_record_is_json(client, auditor):
    client.force_login(auditor)

    response = client.get("/api/audit/999999999/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_server_error_is_a_clean_500(settings, coordinator):
    settings.ROOT_URLCONF = "tests.foundation.boom_urls"
    client = Client(raise_request_exception=False)
    client.force_login(coordinator)

    response = client.get("/boom/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, something went wrong" in html
    _clean(html)


def test_a_forbidden_page_is_a_clean_403(client, coordinator):
    client.force_login(coordinator)

    response = client.get("/audit/")

    assert response.status_code == 403
    html = response.content.decode()
    assert "You do not have access to this page" in html
    _clean(html)


# --- The API: every bad input is a 4xx with a JSON body, never a 500 ---------------------------


def _intelligence(**overrides) -> dict:
    return {
        "information_date": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
        "summary": "Fictional: a deal line changed hands.",
        "source_evaluation": "2",
        "intelligence_assessment": "B",
        "handling_code": "P",
    } | overrides


def _json_error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body, dict)
    _clean(response.content.decode())
    return body


def test_deeply_nested_json_is_refused_before_it_is_parsed(analyst):
    body = "[" * 100_000 + "]" * 100_000

    response = web(analyst).post("/api/intelligence/", body, content_type="application/json")

    detail = _json_error(response, 400)["detail"]
    assert "nested 100000 levels deep" in detail and "at most 32" in detail
    assert not IntelligenceRecord.objects.exists()


def test_brackets_inside_json_strings_do_not_count_as_nesting(analyst):
    summary = "[[[[ {{{{ " * 20 + 'a quoted \\" bracket ['
    response = web(analyst).post(
        "/api/intelligence/",
        _intelligence(summary=summary, nominals=[make_nominal().pk]),
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert IntelligenceRecord.objects.get().summary == summary


def test_invalid_json_is_a_400(analyst):
    response = web(analyst).post("/api/intelligence/", "{", content_type="application/json")

    assert "JSON parse error" in _json_error(response, 400)["detail"]


def test_a_body_that_is_not_json_is_a_415(analyst):
    response = web(analyst).post("/api/intelligence/", {"summary": "x"})  # multipart form

    assert "Unsupported media type" in _json_error(response, 415)["detail"]


def test_an_oversized_api_body_is_a_413_json(settings, analyst):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = _intelligence(summary="x" * 20_000)

    response = web(analyst).post("/api/intelligence/", body, content_type="application/json")

    assert _json_error(response, 413) == {
        "detail": "The request body is larger than the limit of 10000 bytes."
    }
    assert not IntelligenceRecord.objects.exists()


def test_an_oversized_form_is_a_413_page(settings, coordinator):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000

    response = Client().post("/login/", {"username": "coordinator", "password": "x" * 20_000})

    assert response.status_code == 413
    html = response.content.decode()
    assert "What you sent is too large" in html and "Nothing was saved" in html
    _clean(html)


@pytest.mark.parametrize(
    "url",
    [
        "/api/reports/activity-summary/?from=2026-01-01&to=2026-03-31&division=%00",
        "/api/reports/activity-summary/?from=2026-01-01&to=2026-03-31&team=%00",
        "/api/reports/activity-summary/?from=2026-01-01%00&to=2026-03-31",
        "/api/intelligence/?q=%00",
        "/api/ocgs/?q=abc%00def",
        "/api/county-lines/?%00=1",
    ],
)
def test_a_nul_in_the_query_string_is_a_400_json(supervisor, url):
    response = web(supervisor).get(url)

    assert "NUL character" in _json_error(response, 400)["detail"]


def test_a_nul_in_the_report_page_query_is_a_400_page(supervisor):
    response = web(supervisor).get("/reports/?from=2026-01-01&to=2026-03-31&team=%00")

    assert response.status_code == 400
    html = response.content.decode()
    assert "NUL character" in html
    _clean(html)


def test_a_nul_in_a_json_string_names_the_field(analyst):
    response = web(analyst).post(
        "/api/intelligence/",
        _intelligence(summary="before\x00after"),
        content_type="application/json",
    )

    assert _json_error(response, 400) == {"summary": ["NUL characters (\\u0000) are not allowed."]}
    assert not IntelligenceRecord.objects.exists()


def test_a_nul_deep_in_a_json_body_names_where(analyst):
    response = web(analyst).post(
        "/api/intelligence/",
        _intelligence(factor_claims=[{"factor": "violence\x00", "level": 1}]),
        content_type="application/json",
    )

    assert "factor_claims[0].factor" in _json_error(response, 400)


def test_a_nul_in_a_form_is_refused(client, coordinator):
    response = client.post("/login/", {"username": "coord\x00inator", "password": "x"})

    assert response.status_code in (200, 400)
    _clean(response.content.decode())
    assert SESSION_KEY not in client.session


def test_a_two_megabyte_summary_is_refused_naming_the_field(analyst):
    response = web(analyst).post(
        "/api/intelligence/",
        _intelligence(summary="x" * (2 * 1024 * 1024)),
        content_type="application/json",
    )

    assert _json_error(response, 400) == {
        "summary": [f"Ensure this field has no more than {LONG_TEXT} characters."]
    }
    assert not IntelligenceRecord.objects.exists()


def test_a_summary_at_the_limit_is_accepted(analyst):
    response = web(analyst).post(
        "/api/intelligence/",
        _intelligence(summary="x" * LONG_TEXT, nominals=[make_nominal().pk]),
        content_type="application/json",
    )

    assert response.status_code == 201, response.content


def test_an_operation_in_the_seventh_century_is_refused(coordinator):
    response = web(coordinator).post(
        "/api/operations/",
        {"name": "Fictional week", "start_date": "0642-06-27", "end_date": "2026-06-30"},
        content_type="application/json",
    )

    assert _json_error(response, 400) == {
        "start_date": ["Enter a date from 1 January 1900 on, not 0642-06-27."]
    }
    assert not Operation.objects.exists()


@pytest.mark.parametrize("name", [0, 12.5, True, ["Fictional week"], {"text": "x"}])
def test_a_name_that_is_not_text_is_refused(coordinator, name):
    response = web(coordinator).post(
        "/api/operations/",
        {"name": name, "start_date": "2026-06-01", "end_date": "2026-06-07"},
        content_type="application/json",
    )

    assert _json_error(response, 400) == {"name": ["Not a valid string."]}
    assert not Operation.objects.exists()


def test_an_operation_can_be_planned_ahead(coordinator):
    start = timezone.localdate() + datetime.timedelta(days=30)
    response = web(coordinator).post(
        "/api/operations/",
        {
            "name": "Fictional planned week",
            "start_date": start.isoformat(),
            "end_date": (start + datetime.timedelta(days=6)).isoformat(),
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.content


def test_an_operation_page_refuses_a_date_before_1900(client, coordinator):
    client.force_login(coordinator)

    response = client.post(
        "/operations/new/",
        {"name": "Fictional week", "start_date": "1899-12-31", "end_date": "2026-06-30"},
    )

    assert response.status_code in (200, 400)
    assert "Enter a date from 1 January 1900 on, not 1899-12-31." in response.content.decode()
    assert not Operation.objects.exists()


def test_intelligence_from_the_future_is_refused(analyst):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = web(analyst).post(
        "/api/intelligence/",
        _intelligence(information_date=tomorrow.isoformat()),
        content_type="application/json",
    )

    assert _json_error(response, 400) == {
        "information_date": ["This date cannot be in the future: it is when something happened."]
    }


def test_a_disruption_dated_in_the_future_is_refused(force, supervisor):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = web(supervisor).post(
        "/api/disruptions/",
        {
            "date": tomorrow.isoformat(),
            "team": force["teams"]["clgt_north"].pk,
            "strand": "pursue",
            "tactic": "arrest",
            "impact_grade": "minor",
            "impact_rationale": "Fictional.",
        },
        content_type="application/json",
    )

    assert "date" in _json_error(response, 400)
    assert not Disruption.objects.exists()


@pytest.mark.parametrize("url", ["/api/no-such-thing/", "/api/ocgs/1/no-such-action/", "/api/"])
def test_an_unknown_api_address_is_a_404_json(supervisor, url):
    assert _json_error(web(supervisor).get(url), 404) == {"detail": "Not found."}


def test_an_unknown_api_address_is_json_when_signed_out_too(client, force):
    assert _json_error(client.get("/api/no-such-thing/"), 404) == {"detail": "Not found."}


def test_a_method_the_api_does_not_take_is_a_405_json(supervisor):
    response = web(supervisor).delete("/api/ocgs/")

    assert _json_error(response, 405) == {"detail": 'Method "DELETE" not allowed.'}


def test_a_bad_host_on_the_api_is_a_400_json(supervisor):
    response = web(supervisor).get("/api/ocgs/", HTTP_HOST="attacker.example")

    assert _json_error(response, 400)["detail"]


def test_an_api_server_error_is_json_with_the_request_id(settings, coordinator):
    settings.ROOT_URLCONF = "tests.foundation.boom_urls"
    client = Client(raise_request_exception=False)
    client.force_login(coordinator)

    response = client.get("/api/boom/", HTTP_X_REQUEST_ID="req-5678")

    assert _json_error(response, 500) == {"detail": "Server error", "request_id": "req-5678"}


def test_a_locked_api_sign_in_is_a_429_json(rf):
    response = lockout_response(rf.post("/api/auth/token/"))

    assert response.status_code == 429
    assert "locked" in json.loads(response.content)["detail"]


def test_a_locked_web_sign_in_is_the_locked_out_page(rf, coordinator):
    request = rf.post("/login/")
    request.user = AnonymousUser()

    response = lockout_response(request)

    assert response.status_code == 429
    assert 'data-testid="locked-out"' in response.content.decode()


def test_a_deletion_reason_is_length_limited(analyst):
    client = web(analyst)
    created = client.post(
        "/api/intelligence/",
        _intelligence(nominals=[make_nominal().pk]),
        content_type="application/json",
    )
    pk = created.json()["id"]

    response = client.delete(
        f"/api/intelligence/{pk}/", {"reason": "x" * 3_000}, content_type="application/json"
    )

    assert _json_error(response, 400) == {
        "reason": [f"Ensure this field has no more than {REASON_TEXT} characters."]
    }
    assert IntelligenceRecord.objects.get(pk=pk).deleted_at is None


@pytest.mark.parametrize("value", ["%C2%B9", "%D9%A3x", "99999999999999999999999"])
def test_an_id_filter_with_unusual_digits_is_not_a_500(supervisor, value):
    # "¹" passes str.isdigit() yet int() refuses it: that was a 500 found by schemathesis.
    response = web(supervisor).get(f"/api/districts/?division={value}")

    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize("page_size", ["true", "0", "-5", "%C2%B9"])
def test_a_page_size_that_is_not_a_positive_number_is_a_400(supervisor, page_size):
    response = web(supervisor).get(f"/api/ocgs/?page_size={page_size}")

    assert _json_error(response, 400) == {"page_size": ["Enter a whole number from 1 to 500."]}
