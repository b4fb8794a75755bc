"""The Audit page: the filtered trail and its CSV and JSON downloads, for auditors only."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from rest_framework.utils.encoders import JSONEncoder

from kentsoc.audit.models import AuditEvent
from kentsoc.audit.selectors import can_export_audit_log, can_read_audit_log
from kentsoc.audit.services import audit_export, audit_log_viewed
from kentsoc.audit.templatetags.audit_tags import as_json
from kentsoc.dates import today
from kentsoc.trail.api.serializers import AuditEventSerializer
from kentsoc.trail.details import details_in_words
from kentsoc.trail.filters import AuditEventFilterSet
from kentsoc.trail.selectors import trail_events
from kentsoc.trail.tables import event_rows_html
from kentsoc.web.generic import FilteredListView

EXPORT_FORMATS = ("csv", "json")


def _when(event: Any) -> str:
    return timezone.localtime(event.at).isoformat(timespec="seconds")


class AuditEventListView(FilteredListView):
    selector = staticmethod(trail_events)
    filterset_class = AuditEventFilterSet
    template_name = "audit/list.html"
    partial_template_name = "audit/partials/event_table.html"
    title = "Audit trail"
    paginate_by = 100
    audit_reads = False  # reading the trail is recorded by audit_log_viewed below
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
        if self.request.GET.get("format") in EXPORT_FORMATS:
            return can_export_audit_log(self.request.user)
        return can_read_audit_log(self.request.user)

    def get_extra_context(self) -> dict[str, Any]:
        query = self.request.GET.copy()
        query.pop("page", None)
        query["format"] = "json"
        return {
            "can_export": can_export_audit_log(self.request.user),
            "json_url": f"?{query.urlencode()}",
        }

    def get_page_context(self, rows: list[Any]) -> dict[str, Any]:
        # The page names officers, teams and records; the CSV and JSON keep the stored ids.
        return {"event_rows": event_rows_html(details_in_words(rows, user=self.request.user))}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        export = request.GET.get("format")
        if export == "json":
            return self.json_export(request)
        # Reading the trail is itself audited (a download is recorded as an export instead).
        if export != "csv":
            audit_log_viewed(actor=request.user, filters=request.GET.items())
        return super().get(request, *args, **kwargs)

    def json_export(self, request: HttpRequest) -> HttpResponse:
        """The filtered trail as one JSON array, each event as /api/audit/ shows it."""
        filterset = self.filterset_class(request.GET, queryset=self.get_queryset(), request=request)
        if not filterset.is_valid():
            return JsonResponse({"errors": filterset.errors}, status=400)
        queryset = filterset.qs
        audit_export(
            actor=request.user,
            object_type=AuditEvent._meta.label_lower,
            count=queryset.count(),
            filters=request.GET.items(),
        )

        def stream() -> Iterator[str]:
            yield "["
            for n, event in enumerate(queryset.iterator(2000)):
                data = json.dumps(AuditEventSerializer(event).data, cls=JSONEncoder)
                yield f"{',' if n else ''}\n{data}"
            yield "\n]\n"

        response = StreamingHttpResponse(stream(), content_type="application/json")
        stamp = today().isoformat()
        response["Content-Disposition"] = f'attachment; filename="audit-trail-{stamp}.json"'
        return response
