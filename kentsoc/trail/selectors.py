"""The Audit page's and API's read of the trail."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from kentsoc.audit.models import AuditEvent
from kentsoc.audit.selectors import audit_event_list, can_read_audit_log
from kentsoc.web.reader_queries import reader_query


def trail_events(*, user: Any) -> QuerySet[AuditEvent]:
    """`audit_event_list`, its scoped query built once per officer and day (reader_query: it
    reads nothing but the officer's access): building the force's scope was a fifteenth of the
    page. Whether the user may read the trail at all is asked on every call, as before, and
    not kept with the query: a permission can be taken away without the access changing."""
    if not can_read_audit_log(user):
        raise PermissionDenied("Only auditors may read the audit trail.")
    return reader_query("trail.events", user, lambda: audit_event_list(user=user))
