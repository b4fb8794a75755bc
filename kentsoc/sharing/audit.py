"""Views of what a share lends are audited like any other read of intelligence and disruptions:
one event for the share, one naming the lent records and disruptions shown with it."""

from __future__ import annotations

from typing import Any

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_read, audit_record
from kentsoc.sharing.selectors import SharePage


def audit_share_view(*, actor: Any, page: SharePage) -> None:
    share = page.share
    audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        obj=share,
        object_repr=f"share {share.pk}: {share.subject.reference} → {share.receiving_force.code}",
    )
    if page.subject is not None:
        audit_read(
            actor=actor,
            model="intel.intelligencerecord",
            ids=[r.pk for r in page.records],
            query={"share": share.pk},
            action=AuditAction.VIEW,
            also={
                "disruptions.disruption": [d.pk for d in page.disruptions],
                share.subject._meta.label_lower: [page.subject.pk],
            },
        )
