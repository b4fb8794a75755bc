"""Signing in to the web in two steps, signing out, the officer's own API tokens page and their
own password.

With REQUIRE_2FA on (outside the demo) the session is authenticated only after both factors:
the password step (django-axes counts failures) only remembers, in the still-anonymous session,
who passed it; `login()` runs after the one-time code, or after enrolment and the recovery codes.
"""

from __future__ import annotations

import time
from base64 import b32encode
from typing import Any

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from kentsoc.accounts import selectors, services
from kentsoc.accounts.forms import CodeForm, OwnPasswordForm
from kentsoc.accounts.officers import password_change_own
from kentsoc.org.scoping import must_change_password
from kentsoc.web.forms import form_post, posted

PENDING = "kentsoc_pending_sign_in"
# How long the code step waits after the password: long enough to open an app and type six digits.
PENDING_SECONDS = 5 * 60
# Also after a wrong one: django-otp refuses any code for 1, 2, 4... seconds after a failure.
WRONG_CODE = (
    "That code is wrong, has expired or came too soon after a wrong one. Wait a few seconds and "
    "type the newest code."
)


# --- The pending sign-in --------------------------------------------------------------------------


def _start_pending(request: HttpRequest, user: Any, next_url: str) -> None:
    # A fresh session key for the half-signed-in visitor, so a planted session id learns nothing.
    request.session.cycle_key()
    request.session[PENDING] = {
        "user": user.pk,
        "backend": user.backend,
        "hash": user.get_session_auth_hash(),
        "at": time.time(),
        "next": next_url,
        "verified": False,
    }


def _pending_user(request: HttpRequest) -> Any | None:
    """The user who passed the password step in this session, if they did so recently and their
    password has not changed since."""
    data = request.session.get(PENDING)
    if not data or time.time() - data.get("at", 0) > PENDING_SECONDS:
        return None
    user = get_user_model().objects.filter(pk=data["user"], is_active=True).first()
    if user is None or not constant_time_compare(data["hash"], user.get_session_auth_hash()):
        return None
    return user


def _finish(request: HttpRequest, user: Any, device: Any) -> HttpResponse:
    data = request.session.pop(PENDING)
    # django-otp's convention: the verified device rides on the user into login(), which records
    # it in the session; the audit receiver names the kind of second factor used.
    user.otp_device = device
    login(request, user, backend=data["backend"])
    return redirect(data.get("next") or resolve_url(settings.LOGIN_REDIRECT_URL))


def _lockout(request: HttpRequest, user: Any) -> HttpResponse | None:
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        return get_lockout_response(request, credentials=credentials)
    return None


def _restart(request: HttpRequest) -> HttpResponse:
    request.session.pop(PENDING, None)
    messages.info(request, "Please sign in again: that sign-in was not finished in time.")
    return redirect("login")


# --- Views ----------------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """Step one: the password (Django's form; django-axes counts failures and locks the username
    from this address). With the second factor off (the demo) this is the whole sign-in."""

    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not services.second_factor_required(user):
            return super().form_valid(form)
        _start_pending(self.request, user, self.get_redirect_url())
        if services.confirmed_totp_device(user) is None:
            return redirect("login-enrol")
        return redirect("login-code")


def _sensitive(view: Any) -> Any:
    return sensitive_post_parameters("otp")(csrf_protect(never_cache(view)))


@_sensitive
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """Step two: the code from the authenticator app, or a recovery code."""
    user = _pending_user(request)
    if user is None:
        return _restart(request)
    if services.confirmed_totp_device(user) is None:
        return redirect("login-enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        locked = _lockout(request, user)
        if locked is not None:
            return locked
        if form.is_valid():
            device = services.second_factor_verify(
                user=user, code=form.cleaned_data["otp"], request=request
            )
            if device is not None:
                return _finish(request, user, device)
            form.add_error("otp", WRONG_CODE)
    return render(request, "accounts/login_code.html", {"form": form, "pending": user})


def _qr_svg(uri: str) -> str:
    # An <img> of an SVG data URI: no script, and `img-src data:` is in the CSP.
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2, dark="#0b0c0c")


def _group(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@_sensitive
@require_http_methods(["GET", "POST"])
def login_enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in with the second factor on: add the authenticator app, confirm it with a
    code, then see the recovery codes once."""
    user = _pending_user(request)
    if user is None:
        return _restart(request)
    if request.session[PENDING].get("verified"):
        # Just enrolled (a reload of the recovery codes page): they were shown once already.
        return render(request, "accounts/recovery_codes.html", {"codes": None, "pending": user})
    if services.confirmed_totp_device(user) is not None:
        # Somebody knowing the password cannot enrol a second app over the officer's own.
        return redirect("login-code")
    device = services.totp_enrolment_device(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        locked = _lockout(request, user)
        if locked is not None:
            return locked
        if form.is_valid():
            codes = services.totp_enrol_confirm(
                user=user, device=device, code=form.cleaned_data["otp"], request=request
            )
            if codes is not None:
                pending = request.session[PENDING]
                pending["verified"] = True
                pending["device"] = device.persistent_id
                request.session[PENDING] = pending
                # Shown in this response only: the session keeps no copy (django-otp keeps the
                # codes to check them, and deletes each one as it is used).
                return render(
                    request, "accounts/recovery_codes.html", {"codes": codes, "pending": user}
                )
            form.add_error("otp", WRONG_CODE)
    secret = b32encode(device.bin_key).decode()
    uri = device.config_url
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "pending": user,
            "secret": _group(secret),
            "otpauth_uri": uri,
            "qr_data_uri": _qr_svg(uri),
        },
    )


@csrf_protect
@never_cache
@require_POST
def login_continue(request: HttpRequest) -> HttpResponse:
    """After the recovery codes: the officer has passed both factors; sign them in."""
    user = _pending_user(request)
    if user is None or not request.session[PENDING].get("verified"):
        return _restart(request)
    device = services.confirmed_totp_device(user)
    if device is None or device.persistent_id != request.session[PENDING].get("device"):
        return _restart(request)
    return _finish(request, user, device)


class LogoutView(auth_views.LogoutView):
    """Signing out of the web ends the shift: every API token of the officer dies with the
    session."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            services.tokens_revoke_all(user=request.user, reason="signed out of the web")
        return super().post(request, *args, **kwargs)


# --- The officer's own API tokens -----------------------------------------------------------------


def _tokens_page(request: HttpRequest, issued: services.IssuedToken | None = None) -> HttpResponse:
    return render(
        request,
        "accounts/tokens.html",
        {
            "tokens": selectors.token_list(user=request.user),
            "new_key": issued.key if issued else "",
            "new_id": issued.token.public_id if issued else "",
            "ttl_hours": settings.API_TOKEN_TTL_HOURS,
        },
    )


@login_required
@never_cache
@require_http_methods(["GET"])
def tokens(request: HttpRequest) -> HttpResponse:
    return _tokens_page(request)


@login_required
@never_cache
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """A new token, its key shown in this response only (knox keeps a hash)."""
    return _tokens_page(request, services.token_issue(actor=request.user, via="tokens page"))


@login_required
@require_POST
def token_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    token = selectors.token_get(user=request.user, public_id=public_id)
    if token is None:
        raise Http404
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, f"Token {public_id} revoked: it no longer works.")
    return redirect("account-tokens")


# --- The officer's own password -------------------------------------------------------------------


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@never_cache
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    required = must_change_password(request.user)
    form = OwnPasswordForm(request.user, posted(request))

    def change(data: dict[str, Any]) -> str:
        user = password_change_own(user=request.user, password=data["new_password1"])
        # This browser stays signed in; every other session of the account ends.
        update_session_auth_hash(request, user)
        return "Your password has been changed."

    if request.method == "POST" and (done := form_post(request, form, change, then="home")):
        return done
    return render(request, "accounts/password_change.html", {"form": form, "required": required})
