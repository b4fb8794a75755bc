"""A signed-in client for a user, one for the pages and one for the API: the one copy tests use.

Both skip the sign-in itself (password, second factor, token): tests of signing in use tests/otp.py.
"""

from __future__ import annotations

from django.test import Client
from rest_framework.test import APIClient


def web(user) -> Client:
    """The pages, signed in as `user` (a session, as after the sign-in page)."""
    client = Client()
    client.force_login(user)
    return client


def api(user) -> APIClient:
    """The API as `user`, authenticated the way a token would authenticate them."""
    client = APIClient()
    client.force_authenticate(user)
    return client
