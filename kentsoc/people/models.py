"""A merge of two records of one person, kept so it can be undone exactly.

The person merged away is deleted once everything that pointed at them points at the survivor, so
no list, search or picker can offer them again; their row is kept here (`merged_row`) with what
moved (`moved`) and the rows dropped because the survivor already had their twin (`dropped`),
which is all an undo needs. The two people are named by id, not by foreign key: the merged one no
longer exists, and the survivor may itself be merged later (which an undo of this merge then
refuses until that later merge is undone).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q

from kentsoc.org.choices import Role
from kentsoc.org.scoping import Access, ScopedQuerySet


class ExactJSONEncoder(DjangoJSONEncoder):
    """Times to the microsecond: Django's encoder keeps milliseconds, and an undo must put a row
    back exactly as it was."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class NominalMergeQuerySet(ScopedQuerySet):
    # A merge is its force's: the merging officer's, the only force whose people they see.
    force_path = "merged_by__officer__team__force"

    def scope(self, access: Access):
        # The people merged may be anyone in the force: those who may merge see every merge.
        if access.has_role(Role.COORDINATOR, Role.SUPERVISOR):
            return self.all()
        return self.none()


class NominalMerge(models.Model):
    survivor_id = models.PositiveBigIntegerField(db_index=True)
    merged_id = models.PositiveBigIntegerField(db_index=True)
    # The two as they were named when merged ("NOM-000012 Jo Smith"), for the history.
    survivor_label = models.CharField(max_length=200)
    merged_label = models.CharField(max_length=200)
    reason = models.TextField()
    # The merged person's row, field by field (attnames), to put it back on undo.
    merged_row = models.JSONField(encoder=ExactJSONEncoder)
    # [{"model": "ocg.membership", "field": "nominal", "ids": [...]}]: rows re-pointed.
    moved = models.JSONField(encoder=ExactJSONEncoder, default=list)
    # [{"model": ..., "field": ..., "kept": <survivor's twin row id>, "row": {...}}]: rows
    # removed because the survivor already had the same (a unique rule allows only one).
    dropped = models.JSONField(encoder=ExactJSONEncoder, default=list)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undo_reason = models.TextField(blank=True)

    objects = NominalMergeQuerySet.as_manager()

    class Meta:
        ordering = ["-merged_at", "-id"]
        permissions = [("merge_nominals", "Can merge two records of one person, and undo it")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(survivor_id=models.F("merged_id")),
                name="%(app_label)s_%(class)s_not_into_itself",
            ),
            # A person is merged away once at a time: undo first, then merge again.
            models.UniqueConstraint(
                fields=["merged_id"],
                condition=Q(undone_at__isnull=True),
                name="%(app_label)s_%(class)s_one_live_merge_per_person",
            ),
            models.CheckConstraint(
                condition=Q(undone_at__isnull=True, undone_by__isnull=True)
                | Q(undone_at__isnull=False, undone_by__isnull=False),
                name="%(app_label)s_%(class)s_undone_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.merged_label} merged into {self.survivor_label}"

    @property
    def is_live(self) -> bool:
        return self.undone_at is None
