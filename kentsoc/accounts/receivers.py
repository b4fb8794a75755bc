"""Tokens die with the credentials that issued them.

A receiver rather than a service call, deliberately: a password or an account's active flag can
be changed from several places (the password page, the admin, `changepassword`, a shell), and a
token that outlived the password it was issued against would defeat the change. Every
`User.save()` passes through here; one indexed lookup of the stored row, skipped when the save
names fields that cannot matter (e.g. `last_login` at each sign-in).

Other web sessions end without help: Django's session carries a hash of the password, so a
changed password signs out every other session at its next request, and an inactive user is no
longer loaded from any session.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import pre_save
from django.dispatch import receiver

from kentsoc.accounts.services import tokens_revoke_all

User = get_user_model()


@receiver(pre_save, sender=User, dispatch_uid="kentsoc.accounts.credentials_changed")
def _credentials_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return
    stored = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if stored is None:
        return
    if stored["password"] != instance.password:
        reason = "password changed"
    elif stored["is_active"] and not instance.is_active:
        reason = "account deactivated"
    else:
        return
    # Inside the save's transaction where there is one: the tokens go only if the change commits.
    with transaction.atomic():
        tokens_revoke_all(user=instance, reason=reason)
