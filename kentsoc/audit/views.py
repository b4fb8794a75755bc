"""The Audit page: the filtered trail, its CSV export, for auditors only."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from kentsoc.audit.filters import AuditEventFilterSet
from kentsoc.audit.selectors import audit_event_list, can_export_audit_log, can_read_audit_log
from kentsoc.audit.services import audit_log_viewed
from kentsoc.audit.templatetags.audit_tags import as_json
from kentsoc.web.generic import FilteredListView


def _when(event: Any) -> str:
    return timezone.localtime(event.at).isoformat(timespec="seconds")


class AuditEventListView(FilteredListView):
    selector = staticmethod(audit_event_list)
    filterset_class = AuditEventFilterSet
    template_name = "audit/list.html"
    partial_template_name = "audit/partials/event_table.html"
    title = "Audit trail"
    paginate_by = 100
    csv_filename = "audit-trail"
    csv_columns = [
        ("When", _when),
        ("Who", "actor_username"),
        ("Action", "action"),
        ("Object type", "object_type"),
        ("Object id", "object_id"),
        ("Object", "object_repr"),
        ("Changes", lambda e: as_json(e.changes) if e.changes else ""),
        ("Reason", "reason"),
        ("IP address", "ip_address"),
        ("Request id", "request_id"),
        ("Path", "path"),
    ]

    def has_permission(self) -> bool:
        if self.request.GET.get("format") == "csv":
            return can_export_audit_log(self.request.user)
        return can_read_audit_log(self.request.user)

    def get_extra_context(self) -> dict[str, Any]:
        return {"can_export": can_export_audit_log(self.request.user)}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Reading the trail is itself audited (the CSV download is recorded as an export).
        if request.GET.get("format") != "csv":
            audit_log_viewed(actor=request.user, filters=request.GET.items())
        return super().get(request, *args, **kwargs)
