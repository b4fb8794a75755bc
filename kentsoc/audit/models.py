from django.conf import settings
from django.db import models
from django.db.models import Q

from kentsoc.audit.choices import AuditAction
from kentsoc.org.choices import Role
from kentsoc.org.models import Officer
from kentsoc.org.scoping import Access, ScopedQuerySet


class VersionedRecord(models.Model):
    """A record changed only through lock_versioned / versioned_save: the version a change must
    name, who made it and when it was made and last changed."""

    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ReviewedRecord(VersionedRecord):
    """A police record the officers keep, so also the date its MOPI review falls due."""

    review_date = models.DateField(null=True, blank=True, help_text="MOPI review due")

    class Meta:
        abstract = True


class AuditEventQuerySet(ScopedQuerySet):
    # Each force's auditors and supervisors read their own force's trail: the events of its
    # officers. An event with no actor (a failed sign-in) is the force of the officer whose
    # name was tried; a name no officer has is no force's, so every force's auditors see it
    # (someone probing the deployment concerns them all).
    force_path = "actor__officer__team__force"

    def force_q(self, access: Access) -> Q | None:
        # The plain manager: reference data's filter for the request's force must not apply.
        officers = Officer._base_manager
        own = officers.filter(team__force_id=access.force_id)
        own_names = own.values("user__username")
        any_names = officers.values("user__username")
        actorless = Q(actor__isnull=True) & (
            Q(actor_username__in=own_names) | ~Q(actor_username__in=any_names)
        )
        # The actors as a subquery of the force's officers rather than `force_path` joined: the
        # same events (an officer is one user's), but with no join PostgreSQL can walk the
        # trail's (at, id) index newest first and stop at a page, instead of reading and
        # sorting every event in the table on each page of the Audit page (issue 18).
        return Q(actor_id__in=own.values("user_id")) | actorless

    def scope(self, access: Access):
        if access.has_role(Role.AUDITOR, Role.SUPERVISOR):
            return self.all()
        return self.none()


class AuditEvent(models.Model):
    """One thing somebody did or saw. Append-only: PostgreSQL refuses UPDATE, DELETE and TRUNCATE,
    and the app's database login may only read and add rows."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for anonymous events such as a failed login by an unknown name.",
    )
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=16, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(max_length=64, blank=True, help_text="app_label.model")
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(
        default=dict, blank=True, help_text="{field: [old, new]} for changes; context for others"
    )
    reason = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    path = models.CharField(max_length=300, blank=True)
    # The hash chain (PostgreSQL only): a trigger fills both on INSERT whatever the client sends,
    # so altering, removing or inserting a row anywhere but the end breaks the chain that
    # `manage.py audit_verify` walks (kentsoc/audit/chain.py).
    prev_hash = models.CharField(
        max_length=64, blank=True, editable=False, help_text="row_hash of the previous event"
    )
    row_hash = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="sha256 of every other column of this event, prev_hash included",
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-at"]),
            # The Audit page's order: its newest page read from the index, not a sort of all.
            models.Index(fields=["-at", "-id"], name="audit_event_newest_idx"),
        ]
        permissions = [("export_auditevent", "Can export the audit trail")]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=AuditAction.values),
                name="%(app_label)s_%(class)s_action_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_type}"
