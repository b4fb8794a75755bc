"""Authentication and admin events, which Django announces by signal, go to the audit trail."""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record


@receiver(user_logged_in, dispatch_uid="kentsoc.audit.login")
def _logged_in(sender, request, user, **kwargs):
    # A sign-in that passed a second factor names the kind of device (django-otp's convention:
    # the verified device rides on the user as `otp_device`), never the device itself.
    device = getattr(user, "otp_device", None)
    changes = {"second_factor": str(device._meta.verbose_name)} if device is not None else None
    audit_record(actor=user, action=AuditAction.LOGIN, obj=user, changes=changes)


@receiver(user_logged_out, dispatch_uid="kentsoc.audit.logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action=AuditAction.LOGOUT, obj=user)


@receiver(user_login_failed, dispatch_uid="kentsoc.audit.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # Never store the attempted password: only the name that was tried.
    audit_record(
        actor=None,
        action=AuditAction.LOGIN_FAILED,
        actor_username=str(credentials.get("username", ""))[:150],
        object_type="auth.user",
        # Which step failed when it was not the password (the second factor, its enrolment).
        changes={"step": credentials["step"]} if "step" in credentials else None,
    )


_ADMIN_ACTIONS = {
    ADDITION: AuditAction.CREATE,
    CHANGE: AuditAction.UPDATE,
    DELETION: AuditAction.DELETE,
}


@receiver(post_save, sender=LogEntry, dispatch_uid="kentsoc.audit.admin")
def _admin_change(sender, instance: LogEntry, created: bool, **kwargs):
    if not created:
        return
    audit_record(
        actor=instance.user,
        action=_ADMIN_ACTIONS.get(instance.action_flag, AuditAction.UPDATE),
        object_type=f"{instance.content_type.app_label}.{instance.content_type.model}"
        if instance.content_type_id
        else "",
        object_id=instance.object_id or "",
        object_repr=instance.object_repr,
        changes={"admin": instance.get_change_message()},
    )
