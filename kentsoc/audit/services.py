"""Writing the audit trail. Services call `audit_record` inside their own transaction, so a change
and its audit row commit or roll back together."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.context import current_request_context
from kentsoc.audit.models import AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    object_repr: str = "",
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
    actor_username: str = "",
) -> AuditEvent:
    if action not in AuditAction.values:
        raise ValueError(f"Unknown audit action {action!r}")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    ctx = current_request_context()
    return AuditEvent.objects.create(
        actor=actor,
        actor_username=(actor.get_username() if actor is not None else actor_username)[:150],
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        object_repr=str(object_repr)[:200],
        changes=_jsonable(dict(changes or {})),
        reason=reason,
        ip_address=ctx.ip_address if ctx else None,
        request_id=ctx.request_id if ctx else "",
        path=ctx.path if ctx else "",
    )


def audit_view(*, actor: Any, obj: models.Model) -> AuditEvent:
    return audit_record(actor=actor, action=AuditAction.VIEW, obj=obj)


QUERY_VALUE_LIMIT = 200
_READ_WORDS = {
    AuditAction.LIST: "listed",
    AuditAction.SEARCH: "found",
    AuditAction.EXPORT: "exported",
}


def _query(query: Iterable[tuple[str, Any]] | Mapping[str, Any]) -> dict[str, Any]:
    """The query that chose the rows, as sent: empty values dropped, a repeated key as a list,
    each value cut to QUERY_VALUE_LIMIT characters so a junk parameter cannot bloat the row."""
    items = query.items() if isinstance(query, Mapping) else query
    out: dict[str, Any] = {}
    for key, value in items:
        values = value if isinstance(value, list | tuple) else [value]
        kept = [str(v)[:QUERY_VALUE_LIMIT] for v in values if v not in ("", None)]
        if kept:
            out[str(key)[:QUERY_VALUE_LIMIT]] = kept[0] if len(kept) == 1 else kept
    return out


def audit_read(
    *,
    actor: Any,
    model: type[models.Model] | str,
    ids: Sequence[Any],
    query: Iterable[tuple[str, Any]] | Mapping[str, Any] = (),
    action: str = AuditAction.LIST,
    total: int | None = None,
    also: Mapping[str, Sequence[Any]] | None = None,
) -> AuditEvent:
    """One event for a read of many records: a page of a list (page or API), a search's answer
    or an export. It names every id returned (a page's ids, not the whole match), their count,
    the query that chose them and, for a page, how many matched in all (`total`). `also` names
    records of other kinds the same answer showed (a search over OCGs, lines and people).

    Ids only, never the rows' text: a person at risk's name must not reach the trail. One
    INSERT whatever the number of rows. An empty answer is recorded too (count 0): the search
    itself is part of the record."""
    label = model if isinstance(model, str) else model._meta.label_lower
    ids = [_jsonable(pk) for pk in ids]
    changes: dict[str, Any] = {"ids": ids, "count": len(ids), "query": _query(query)}
    if total is not None:
        changes["total"] = total
    summary = f"{len(ids)} {_READ_WORDS.get(action, 'read')}"
    if also:
        # Several rows may name the same person: each is named once.
        also = {
            kind: list(dict.fromkeys(_jsonable(pk) for pk in pks)) for kind, pks in also.items()
        }
        changes["also"] = also
        named = [f"{len(pks)} {kind}" for kind, pks in also.items() if pks]
        if named:
            summary += "; also " + ", ".join(named)
    return audit_record(
        actor=actor, action=action, object_type=label, object_repr=summary, changes=changes
    )


def diff_fields(instance: models.Model, new_values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value would change."""
    changes: dict[str, list[Any]] = {}
    for field, new in new_values.items():
        old = getattr(instance, field)
        if old != new:
            changes[field] = [_jsonable(old), _jsonable(new)]
    return changes


STALE_VERSION_MESSAGE = (
    "Someone else changed this record while you were editing it (it is now at version {current}). "
    "Your changes were not saved: reload it to see theirs, then make your changes again."
)
VERSION_REQUIRED_MESSAGE = "The version you edited is required."

M = TypeVar("M", bound=models.Model)


def lock_versioned(
    model_or_queryset: type[M] | models.QuerySet[M],
    pk: Any,
    *,
    version: int | None,
    required: bool = False,
) -> M:
    """Re-read a versioned row under a row lock and check it is still the `version` the editor
    loaded: a change decides on the current row, not on the copy a page loaded minutes ago, and a
    colleague's save in between is refused rather than overwritten. `version=None` skips the check
    (a transition that is not an edit) unless `required`. A stale version is a ValidationError on
    `version`: the API answers 400 `{"version": [...]}`, a form shows it at the top."""
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        # Services take typed values: the edge (form, serializer, view) reads the number.
        raise TypeError(f"version must be an int or None, not {type(version).__name__}")
    if required and version is None:
        raise ValidationError({"version": VERSION_REQUIRED_MESSAGE})
    queryset = (
        model_or_queryset
        if isinstance(model_or_queryset, models.QuerySet)
        else model_or_queryset._default_manager.all()
    )
    # of=self: a manager that joins nullable relations must still lock only this row.
    row = queryset.select_for_update(of=("self",)).get(pk=pk)
    if version is not None and version != row.version:
        raise ValidationError({"version": STALE_VERSION_MESSAGE.format(current=row.version)})
    return row


def versioned_save(
    *,
    actor: Any,
    obj: models.Model,
    values: Mapping[str, Any],
    changes: Mapping[str, Any] | None = None,
    context: Mapping[str, Any] | None = None,
    reason: str = "",
) -> dict[str, Any]:
    """Apply `values` to a versioned record (locked by `lock_versioned`), save the fields that
    changed with the version bumped, and audit the change, all in the caller's transaction.

    `changes` are changes `values` cannot show, already as {name: [old, new]} (a many-to-many
    set the caller makes after this save); `context` is recorded with them but is not a change
    (the OCG a plan action belongs to). Returns the changes; {} and nothing written when nothing
    differs."""
    diff: dict[str, Any] = {**diff_fields(obj, values), **(changes or {})}
    if not diff:
        return diff
    changed = [field for field in values if field in diff]
    for field in changed:
        setattr(obj, field, values[field])
    obj.version += 1
    touched = [f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)]
    obj.save(update_fields=[*changed, "version", *touched])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=obj,
        changes={**(context or {}), **diff},
        reason=reason,
    )
    return diff


def audit_export(
    *, actor: Any, object_type: str, count: int, filters: Iterable[tuple[str, Any]] = ()
) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type=object_type,
        changes={"rows": count, "filters": {k: v for k, v in filters if v not in ("", None)}},
    )


def audit_log_viewed(*, actor: Any, filters: Iterable[tuple[str, Any]] = ()) -> AuditEvent:
    """Somebody read the audit trail itself: what they searched for is part of the record."""
    return audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        object_type=AuditEvent._meta.label_lower,
        changes={"filters": {k: v for k, v in filters if v not in ("", None)}},
    )
