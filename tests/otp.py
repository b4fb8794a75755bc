"""The second factor in tests: a confirmed authenticator app with a known key, and its codes.

Tests sign in the way an officer does (password, then the code the app would show), with
django-otp's own TOTP arithmetic; nothing about the sign-in is bypassed.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from tests.factories import TEST_PASSWORD

# Fictional, fixed: 20 bytes, hex as django-otp stores keys.
TEST_TOTP_KEY = "3132333435363738393031323334353637383930"


def confirmed_device(user: Any, key: str = TEST_TOTP_KEY) -> TOTPDevice:
    """The user's authenticator app, already enrolled (one per user)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name="Authenticator app", key=key, confirmed=True
        )
    return device


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the app shows now, or for the next step when this one was already used.

    django-otp accepts each time step once and allows one step of clock drift, so a second
    sign-in within the same 30 seconds types the next step's code, as a patient officer would."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now_t = totp.t()
    wanted = max(now_t, device.last_t + 1) + steps_ahead
    if wanted > now_t + device.tolerance:
        # Both codes this window allows were used: wait for the next step.
        time.sleep(device.step - (time.time() - device.t0) % device.step + 0.05)
        return code_for(device, steps_ahead)
    totp.time = device.t0 + (wanted - device.drift) * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(client: Client, user: Any, password: str = TEST_PASSWORD, **extra: Any) -> Any:
    """Password, then the app's code, through the real forms. Returns the last response."""
    device = confirmed_device(user)
    response = _form_post(
        client, "/login/", {"username": user.get_username(), "password": password}, **extra
    )
    if response.status_code == 302 and response["Location"] == "/login/code/":
        response = _form_post(client, "/login/code/", {"otp": code_for(device)}, **extra)
    return response


def _form_post(client: Client, path: str, data: dict, **extra: Any) -> Any:
    # Encoded as a browser's form, whether the client is Django's or DRF's (which sends JSON).
    return client.post(
        path, urlencode(data), content_type="application/x-www-form-urlencoded", **extra
    )


def token_for(user: Any, password: str = TEST_PASSWORD) -> str:
    """A token from POST /api/auth/token/, with the app's code (the second factor is on in the
    test settings, as in production)."""
    device = confirmed_device(user)
    response = APIClient().post(
        "/api/auth/token/",
        {"username": user.get_username(), "password": password, "otp": code_for(device)},
        format="json",
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]
