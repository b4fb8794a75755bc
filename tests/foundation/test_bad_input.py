"""Bad input gets a clear page, an audit row where relevant, and never a stack trace."""

import datetime
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from tests.factories import TEST_PASSWORD

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
