"""Writes about an officer's own credentials: API tokens and second-factor devices. Every issue,
revocation, enrolment and failed code is on the audit trail; no key, code or secret ever is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kentsoc.accounts.models import ApiToken
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


# --- API tokens -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    # The key itself: shown to its owner once, never stored (knox keeps a SHA-512 digest).
    key: str


@transaction.atomic
def token_issue(*, actor: Any, via: str) -> IssuedToken:
    """A new token for the actor, expiring after API_TOKEN_TTL_HOURS (one shift by default).

    `via` says which door issued it: the token endpoint is a sign-in by another door and is
    audited as one; the tokens page records a created token."""
    token, key = ApiToken.objects.create(user=actor)
    if via == "api":
        audit_record(
            actor=actor,
            action=AuditAction.LOGIN,
            obj=actor,
            changes={"via": "api token", "token": token.public_id, "expiry": token.expiry},
        )
    else:
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=token,
            object_id=token.public_id,
            changes={"via": via, "expiry": token.expiry},
        )
    return IssuedToken(token=token, key=key)


def _audit_revoked(*, actor: Any, owner: Any, ids: list[str], reason: str) -> None:
    if not ids:
        return
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        object_type=ApiToken._meta.label_lower,
        object_id=ids[0] if len(ids) == 1 else "",
        object_repr=f"{len(ids)} API token(s) of {owner.get_username()}",
        changes={"tokens": ids, "reason": reason},
        actor_username=owner.get_username(),
    )


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken, reason: str = "revoked by its owner") -> None:
    """Revoke one token. Only its owner may: nobody, an administrator included, acts on another
    officer's tokens."""
    if token.user_id != actor.pk:
        raise PermissionError("Only a token's owner may revoke it.")
    public_id = token.public_id
    ApiToken.objects.filter(pk=token.pk).delete()
    _audit_revoked(actor=actor, owner=actor, ids=[public_id], reason=reason)


@transaction.atomic
def tokens_revoke_all(*, user: Any, reason: str, actor: Any | None = None) -> int:
    """Revoke every token of `user` (sign-out, password change, deactivation). Returns how many."""
    ids = [t.public_id for t in ApiToken.objects.filter(user=user).only("digest")]
    ApiToken.objects.filter(user=user).delete()
    _audit_revoked(actor=actor if actor is not None else user, owner=user, ids=ids, reason=reason)
    return len(ids)


# --- Second factor --------------------------------------------------------------------------------


def second_factor_required(user: Any) -> bool:
    return bool(settings.REQUIRE_2FA) and user is not None


def confirmed_totp_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def totp_enrolment_device(*, user: Any) -> TOTPDevice:
    """The unconfirmed device an officer is enrolling: the same key until they confirm it, so
    reloading the page does not invalidate what their app already scanned."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_enrol_confirm(
    *, user: Any, device: TOTPDevice, code: str, request: Any
) -> list[str] | None:
    """Confirm a device with a code from the app. On success the officer's old devices go, the
    device is confirmed and ten fresh recovery codes are made; returns them (to be shown once).
    A wrong code returns None and is a failed sign-in step (audited, counted by django-axes)."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(_clean(code)):
        _failed(user=user, request=request, step="second factor enrolment")
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user=user)
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=device,
        object_repr=f"{TOTP_DEVICE_NAME} of {user.get_username()}",
        changes={"second_factor": "enrolled", "recovery_codes": len(codes)},
    )
    return codes


def _new_recovery_codes(*, user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _clean(code: str) -> str:
    return "".join(str(code or "").split()).lower()


def _failed(*, user: Any, request: Any, step: str) -> None:
    # The signal a wrong password sends: the audit receiver records it (with the step) and
    # django-axes counts it towards the lockout of this username from this address.
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.get_username(), "step": step},
        request=request,
    )


def second_factor_verify(*, user: Any, code: str, request: Any) -> Any | None:
    """The device that accepts `code`, or None.

    Six digits are the authenticator app's code; anything else is tried as a recovery code (used
    up when accepted). Trying each code on the one device it can belong to keeps a recovery code
    from counting as a failure against the app (django-otp throttles each device after failures).
    A wrong code is a failed sign-in: audited, and counted towards the lockout like a password."""
    cleaned = _clean(code)
    model = TOTPDevice if cleaned.isdigit() and len(cleaned) == 6 else StaticDevice
    if cleaned:
        with transaction.atomic():
            # Rows locked, so a code is accepted once even by two requests at the same moment.
            devices = model.objects.devices_for_user(user, confirmed=True).select_for_update()
            for device in devices:
                if device.verify_token(cleaned):
                    return device
    _failed(user=user, request=request, step="second factor")
    return None


@transaction.atomic
def second_factor_reset(*, user: Any, reason: str, actor: Any | None = None) -> int:
    """Delete the officer's app and recovery codes (lost phone): they enrol again at their next
    sign-in. Their tokens go too, since whoever holds the lost phone may have made them."""
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        removed += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        object_type=TOTPDevice._meta.label_lower,
        object_repr=f"second factor of {user.get_username()}",
        changes={"second_factor": "reset", "devices": removed},
        reason=reason,
        actor_username="" if actor is not None else "manage.py reset_second_factor",
    )
    tokens_revoke_all(user=user, reason="second factor reset", actor=actor)
    return removed
