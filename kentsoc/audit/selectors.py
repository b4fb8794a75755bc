"""Reading the audit trail: the whole log is for auditors only."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from kentsoc.audit.models import AuditEvent
from kentsoc.org.choices import Role
from kentsoc.org.scoping import access_for


def can_read_audit_log(user: Any) -> bool:
    # Supervisors hold audit.view_auditevent to read the history of the records they oversee, on
    # those records' pages; everybody's activity across the force is the auditors' job alone.
    access = access_for(user)
    return (
        access is not None
        and access.has_role(Role.AUDITOR)
        and user.has_perm("audit.view_auditevent")
    )


def can_export_audit_log(user: Any) -> bool:
    return can_read_audit_log(user) and user.has_perm("audit.export_auditevent")


def audit_event_list(*, user: Any) -> QuerySet[AuditEvent]:
    """Every event the user may read, newest first; PermissionDenied for anybody but an auditor.

    No joins: who did it is stored as a username on the row, so a page of any size costs the
    same queries.
    """
    if not can_read_audit_log(user):
        raise PermissionDenied("Only auditors may read the audit trail.")
    return AuditEvent.objects.visible_to(user).order_by("-at", "-id")
