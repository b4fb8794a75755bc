"""The auditor's home panel: today's activity worth a second look, each figure a link to the
Audit page filtered to exactly those events. Counts only, so the panel itself names no one."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q, Value
from django.urls import reverse
from django.utils import timezone

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.audit.selectors import can_read_audit_log
from kentsoc.dates import today
from kentsoc.web.home import Panel
from kentsoc.web.reader_queries import reader_values

READS = [AuditAction.VIEW, AuditAction.LIST, AuditAction.SEARCH]
# (key, (one, many), filter on the events, the Audit page's query for the same events)
FIGURES: list[tuple[str, tuple[str, str], Q, dict[str, str]]] = [
    (
        "people_at_risk",
        (
            "read of a person at risk (child or vulnerable adult)",
            "reads of people at risk (children and vulnerable adults)",
        ),
        Q(object_type="countylines.personatrisk", action__in=READS),
        {"object_type": "countylines.personatrisk"},
    ),
    (
        "intelligence",
        ("read of an intelligence record", "reads of intelligence records"),
        Q(object_type="intel.intelligencerecord", action__in=READS),
        {"object_type": "intel.intelligencerecord"},
    ),
    (
        "exports",
        ("export", "exports"),
        Q(action=AuditAction.EXPORT),
        {"action": AuditAction.EXPORT},
    ),
    (
        "failed_logins",
        ("refused sign-in (wrong password or code)", "refused sign-ins (wrong password or code)"),
        Q(action=AuditAction.LOGIN_FAILED),
        {"action": AuditAction.LOGIN_FAILED},
    ),
    (
        "deletions",
        ("deletion", "deletions"),
        Q(action=AuditAction.DELETE),
        {"action": AuditAction.DELETE},
    ),
]


def auditor_panel(user: Any) -> Panel | None:
    if not can_read_audit_log(user):
        return None
    day = today()
    start = timezone.make_aware(datetime.combine(day, time.min))
    # The day's counts as one row (no GROUP BY: one row even on a day with no events), compiled
    # once per officer and day (reader_values): the aggregate's five filtered counts cost most
    # of an auditor's home page to build and compile.
    (counts,) = reader_values(
        "trail.auditor_panel",
        user,
        lambda: (
            AuditEvent.objects.filter(at__gte=start)
            .order_by()
            .annotate(one=Value(1))
            .values("one")
            .annotate(**{key: Count("id", filter=where) for key, _, where, _ in FIGURES})
        ),
    )
    base = reverse("audit:list")
    on_day = {"date_after": day.isoformat(), "date_before": day.isoformat()}
    return Panel(
        title="Today on the audit trail",
        template="trail/panels/auditor.html",
        context={
            "figures": [
                (
                    counts[key],
                    words[0] if counts[key] == 1 else words[1],
                    f"{base}?{urlencode({**query, **on_day})}",
                )
                for key, words, _, query in FIGURES
            ],
            "today_url": f"{base}?{urlencode(on_day)}",
            "audit_url": base,
        },
        order=10,
    )
