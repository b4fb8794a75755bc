"""Merging two records of one person, and undoing it (issue 17 item 7).

Everything that points at a person is found by introspection (`relations()`), so a link added by
any app (a gang membership, an alias, a phone) moves with the rest without this module naming it.
A merge re-points each row to the survivor; where a unique rule allows the survivor only one such
row (both people current members of the same OCG) the merged person's twin is set aside instead,
its whole row kept. The merged person is then deleted, their row kept too. Undo puts back exactly
that: the person, each row re-pointed to them, each row set aside, and refuses, saying why, when
something since makes that unsafe (a moved row deleted or re-pointed, the survivor merged again).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, models, transaction
from django.db.models import Q
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone

from countylines.models import CountyLine
from kentsoc import broker
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record
from kentsoc.limits import REASON_TEXT
from kentsoc.people.models import NominalMerge
from kentsoc.trh.choices import RankedSubject
from ocg.models import OCG, Nominal

PERM_MERGE = "people.merge_nominals"
# Scores that read who is linked (a line's runners, an OCG's members) are recomputed when a
# merge or an undo changes those links.
SCORED = {OCG: RankedSubject.OCG, CountyLine: RankedSubject.COUNTY_LINE}


@dataclass(frozen=True)
class Relation:
    """One foreign key to Nominal: `model.field` names a person."""

    model: type[models.Model]
    field: models.ForeignKey

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    @property
    def noun(self) -> str:
        """What officers call these rows: "memberships", "intelligence record links"."""
        owner = self.model._meta.auto_created
        if owner:  # the table Django makes behind a many-to-many field
            return f"{owner._meta.verbose_name} links"
        return str(self.model._meta.verbose_name_plural)


def relations() -> list[Relation]:
    """Every foreign key to Nominal, in every installed app. `include_hidden` matters: the tables
    behind many-to-many fields (an intelligence record's or a disruption's people) reach Nominal
    through foreign keys `_meta.related_objects` leaves out. The many-to-many relations
    themselves are skipped: their table's foreign key is the row that moves."""
    found = [
        Relation(rel.related_model, rel.field)
        for rel in Nominal._meta.get_fields(include_hidden=True)
        if rel.auto_created and not rel.concrete and not rel.many_to_many
    ]
    return sorted(found, key=lambda r: (r.label, r.field.name))


def relation_for(label: str, field_name: str) -> Relation:
    for relation in relations():
        if relation.label == label and relation.field.name == field_name:
            return relation
    raise LookupError(f"{label}.{field_name} no longer points at a person")


def _unique_sets(relation: Relation) -> list[tuple[tuple[str, ...], Q | None]]:
    """The unique rules that include the person: the other columns each names (attnames) and the
    condition under which it holds (None: always)."""
    opts = relation.model._meta
    name = relation.field.name

    def others(fields: Iterable[str]) -> tuple[str, ...]:
        return tuple(opts.get_field(f).attname for f in fields if f != name)

    sets: list[tuple[tuple[str, ...], Q | None]] = []
    if relation.field.unique:
        sets.append(((), None))
    for fields in opts.unique_together:
        if name in fields:
            sets.append((others(fields), None))
    for constraint in opts.constraints:
        if (
            isinstance(constraint, models.UniqueConstraint)
            and constraint.fields
            and name in constraint.fields
        ):
            sets.append((others(constraint.fields), constraint.condition))
    return sets


@dataclass
class RelationPlan:
    relation: Relation
    move: list[int] = field(default_factory=list)
    # merged person's row id -> the survivor's twin it clashes with
    drop: dict[int, int] = field(default_factory=dict)
    subjects: dict[type[models.Model], set[int]] = field(default_factory=lambda: defaultdict(set))


def _subject_columns(model: type[models.Model]) -> list[tuple[type[models.Model], str]]:
    return [
        (f.related_model, f.attname)
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model in SCORED
    ]


def merge_plan(*, survivor_id: int, merged_id: int) -> list[RelationPlan]:
    """What a merge of `merged_id` into `survivor_id` would do, relation by relation (only those
    with rows): the rows it re-points and the rows it sets aside. Reads only."""
    plans = []
    for relation in relations():
        manager = relation.model._base_manager
        fk = relation.field.attname
        subjects = _subject_columns(relation.model)
        rows = list(
            manager.filter(**{fk: merged_id})
            .order_by("pk")
            .values_list("pk", *[column for _, column in subjects])
        )
        if not rows:
            continue
        plan = RelationPlan(relation)
        for others, condition in _unique_sets(relation):
            theirs = manager.filter(**{fk: survivor_id})
            ours = manager.filter(**{fk: merged_id})
            if condition is not None:
                theirs, ours = theirs.filter(condition), ours.filter(condition)
            kept = {tuple(values): pk for pk, *values in theirs.values_list("pk", *others)}
            for pk, *values in ours.values_list("pk", *others):
                # NULLs never clash under a unique rule.
                if None not in values and tuple(values) in kept:
                    plan.drop.setdefault(pk, kept[tuple(values)])
        for pk, *subject_ids in rows:
            if pk not in plan.drop:
                plan.move.append(pk)
            for (model, _), subject_id in zip(subjects, subject_ids, strict=True):
                if subject_id is not None:
                    plan.subjects[model].add(subject_id)
        plans.append(plan)
    return plans


def _row(obj: models.Model) -> dict[str, Any]:
    return {f.attname: f.value_from_object(obj) for f in obj._meta.concrete_fields}


def _rebuild(model: type[models.Model], row: dict[str, Any]) -> models.Model:
    values = {}
    for f in model._meta.concrete_fields:
        if f.attname in row:
            value = row[f.attname]
            values[f.attname] = None if value is None else f.to_python(value)
    return model(**values)


def _insert_as_was(obj: models.Model) -> None:
    """Insert a kept row exactly as it was: its id, and its creation and change times (a raw
    save, as loaddata does, so auto_now fields keep the stored values)."""
    obj.save_base(raw=True, force_insert=True)


def _put_back(obj: models.Model, what: str) -> None:
    """Insert a kept row as it was, or refuse (the undo rolls back) if it no longer fits: a
    record made since conflicts with it, or something it names is gone."""
    try:
        with transaction.atomic():
            _insert_as_was(obj)
            # Foreign keys are checked at commit; check now, so a refusal is a message.
            connection.check_constraints()
    except IntegrityError as exc:
        raise ValidationError(
            {NON_FIELD_ERRORS: [f"{what[:1].upper()}{what[1:]} cannot be put back as it was."]}
        ) from exc


def _hanging_off(obj: models.Model) -> list[str]:
    """What deleting `obj` would take with it or be refused by, besides itself."""
    collector = Collector(using=DEFAULT_DB_ALIAS, origin=obj)
    try:
        collector.collect([obj])
    except (ProtectedError, RestrictedError) as exc:
        return sorted({str(o._meta.verbose_name_plural) for o in exc.args[1]})
    found = {
        str(model._meta.verbose_name_plural)
        for model, objs in collector.data.items()
        if any(o.pk != obj.pk or model is not type(obj) for o in objs)
    }
    found |= {
        str(qs.model._meta.verbose_name_plural) for qs in collector.fast_deletes if qs.exists()
    }
    return sorted(found)


def _require(actor: AbstractBaseUser | None) -> None:
    if actor is None or not actor.has_perm(PERM_MERGE):
        raise PermissionDenied(
            f"Only coordinators and supervisors may merge people (permission {PERM_MERGE} "
            "is missing)."
        )


def _clean_reason(errors: dict[str, list[str]], reason: str | None, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [f"Say why {what}: it is kept on the audit trail."]
    elif len(reason) > REASON_TEXT:
        errors["reason"] = [f"Keep the reason to {REASON_TEXT:,} characters."]
    return reason


def missing_person_message(pk: int) -> str:
    """Why there is no person `pk` to merge: merged away already (and into whom), or unknown."""
    merge = NominalMerge.objects.filter(merged_id=pk, undone_at__isnull=True).first()
    if merge is not None:
        return (
            f"{merge.merged_label} was already merged into {merge.survivor_label} on "
            f"{timezone.localtime(merge.merged_at):%-d %b %Y}."
        )
    return f"There is no person with id {pk} that you may see."


def _lock_people(actor: AbstractBaseUser, ids: list[int]) -> dict[int, Nominal]:
    visible = Nominal.objects.visible_to(actor).filter(pk__in=ids).values("pk")
    locked = Nominal.objects.select_for_update().filter(pk__in=visible).order_by("pk")
    return {n.pk: n for n in locked}


def _mark_stale(subjects: dict[type[models.Model], set[int]]) -> None:
    for model, ids in subjects.items():
        broker.mark_stale(model, ids, subject_type=SCORED[model])


def merge_check(*, actor: AbstractBaseUser, survivor: Any, merged: Any) -> tuple[Nominal, Nominal]:
    """The two people a merge would join, or the refusal naming each field that is wrong: the
    same person twice, an id that is not a person the actor may see, one merged already.
    Writes nothing (the confirm page asks it before showing the plan)."""
    _require(actor)
    errors: dict[str, list[str]] = {}
    ids = {}
    for name in ("survivor", "merged"):
        value = survivor if name == "survivor" else merged
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            errors[name] = ["Choose a person (their id, a whole number)."]
        else:
            ids[name] = value
    if len(ids) == 2 and ids["survivor"] == ids["merged"]:
        errors["merged"] = ["A person cannot be merged into themselves: choose two people."]
    if errors:
        raise ValidationError(errors)
    people = {n.pk: n for n in Nominal.objects.visible_to(actor).filter(pk__in=ids.values())}
    for name, pk in ids.items():
        if pk not in people:
            errors[name] = [missing_person_message(pk)]
    if errors:
        raise ValidationError(errors)
    return people[ids["survivor"]], people[ids["merged"]]


def _set_aside(plan: RelationPlan, merged: Nominal) -> list[dict[str, Any]]:
    """Delete the merged person's rows that clash with the survivor's, keeping each whole; refuse
    (before anything is written) if one has records of its own hanging off it."""
    relation = plan.relation
    kept = []
    rows = relation.model._base_manager.filter(pk__in=plan.drop).order_by("pk")
    for obj in rows:
        hanging = _hanging_off(obj)
        if hanging:
            raise ValidationError(
                {
                    "merged": [
                        f"Both people have the same {relation.model._meta.verbose_name} "
                        f"(#{obj.pk} of {merged.reference}), and it has "
                        f"{', '.join(hanging)} of its own: end or remove it by hand first."
                    ]
                }
            )
        kept.append(
            {
                "model": relation.label,
                "field": relation.field.name,
                "kept": plan.drop[obj.pk],
                "row": _row(obj),
            }
        )
    return kept


@transaction.atomic
def nominal_merge(
    *, actor: AbstractBaseUser, survivor: Any, merged: Any, reason: str
) -> NominalMerge:
    """Merge person `merged` into person `survivor` (ids): every record pointing at the merged
    person points at the survivor, the merged person is deleted, and the merge is kept (and
    audited) so it can be undone exactly."""
    errors: dict[str, list[str]] = {}
    reason = _clean_reason(errors, reason, "these are one person")
    try:
        merge_check(actor=actor, survivor=survivor, merged=merged)
    except ValidationError as exc:
        errors = {**exc.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    # Lock both, then decide on the current rows: two coordinators merging the same person at
    # once meet here, and the second finds them gone.
    people = _lock_people(actor, [survivor, merged])
    for name, pk in (("survivor", survivor), ("merged", merged)):
        if pk not in people:
            raise ValidationError({name: [missing_person_message(pk)]})
    keep, gone = people[survivor], people[merged]

    plans = merge_plan(survivor_id=keep.pk, merged_id=gone.pk)
    dropped = [row for plan in plans for row in _set_aside(plan, gone)]
    moved = []
    subjects: dict[type[models.Model], set[int]] = defaultdict(set)
    for plan in plans:
        manager = plan.relation.model._base_manager
        if plan.drop:
            manager.filter(pk__in=plan.drop).delete()
        if plan.move:
            manager.filter(pk__in=plan.move).update(**{plan.relation.field.attname: keep.pk})
            moved.append(
                {"model": plan.relation.label, "field": plan.relation.field.name, "ids": plan.move}
            )
        for model, ids in plan.subjects.items():
            subjects[model] |= ids

    hanging = _hanging_off(gone)
    if hanging:  # a relation this module could not move (e.g. a generic link)
        raise ValidationError(
            {"merged": [f"{gone.reference} still has {', '.join(hanging)}: not merged."]}
        )
    merged_row = _row(gone)
    gone_label, keep_label = _label(gone), _label(keep)
    Nominal._base_manager.filter(pk=gone.pk).delete()
    merge = NominalMerge.objects.create(
        survivor_id=keep.pk,
        merged_id=merged_row["id"],
        survivor_label=keep_label,
        merged_label=gone_label,
        reason=reason,
        merged_row=merged_row,
        moved=moved,
        dropped=dropped,
        merged_by=actor,
    )
    summary = {
        "survivor": keep.reference,
        "merged": gone_label,
        "moved": {m["model"]: len(m["ids"]) for m in moved},
        "set_aside": _counts(dropped),
    }
    audit_record(actor=actor, action=AuditAction.CREATE, obj=merge, changes=summary, reason=reason)
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        object_type=Nominal._meta.label_lower,
        object_id=merged_row["id"],
        object_repr=gone_label,
        changes={"merged_into": [None, keep.reference], "merge": merge.pk},
        reason=reason,
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=keep,
        changes={"merged_from": [None, gone_label], "merge": merge.pk},
        reason=reason,
    )
    _mark_stale(subjects)
    return merge


def _label(nominal: Nominal) -> str:
    return f"{nominal.reference} {nominal.full_name}".strip()


def _counts(dropped: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for row in dropped:
        counts[row["model"]] += 1
    return dict(counts)


def undo_problems(merge: NominalMerge) -> list[str]:
    """Why undoing `merge` now would not put things back as they were (empty: it is safe).
    Reads only; the undo asks it again under its locks."""
    if merge.undone_at is not None:
        when = timezone.localtime(merge.undone_at)
        return [f"This merge was already undone on {when:%-d %b %Y}."]
    problems = []
    if not Nominal._base_manager.filter(pk=merge.survivor_id).exists():
        later = NominalMerge.objects.filter(merged_id=merge.survivor_id, undone_at__isnull=True)
        later = later.first()
        if later is not None:
            problems.append(
                f"{merge.survivor_label} has since been merged into {later.survivor_label} "
                f"(merge #{later.pk}): undo that merge first."
            )
        else:
            problems.append(f"{merge.survivor_label} no longer exists.")
        return problems
    if Nominal._base_manager.filter(
        Q(pk=merge.merged_id) | Q(reference=merge.merged_row.get("reference") or "-")
    ).exists():
        problems.append(f"A person with {merge.merged_label}'s id or reference exists again.")
    for group in merge.moved:
        try:
            relation = relation_for(group["model"], group["field"])
        except LookupError as exc:
            problems.append(str(exc))
            continue
        still = set(
            relation.model._base_manager.filter(
                pk__in=group["ids"], **{relation.field.attname: merge.survivor_id}
            ).values_list("pk", flat=True)
        )
        gone = len(set(group["ids"]) - still)
        if gone:
            problems.append(
                f"{gone} of the {relation.noun} moved to {merge.survivor_label} "
                f"{'has' if gone == 1 else 'have'} since been deleted or moved to someone else."
            )
    return problems


@transaction.atomic
def merge_undo(*, actor: AbstractBaseUser, merge: NominalMerge, reason: str) -> NominalMerge:
    """Put back what `merge` changed: the merged person (as they were), every row it re-pointed
    and every row it set aside; refused, with the reasons, when something since makes that
    unsafe."""
    _require(actor)
    errors: dict[str, list[str]] = {}
    reason = _clean_reason(errors, reason, "the merge is undone")
    if errors:
        raise ValidationError(errors)
    merge = NominalMerge.objects.select_for_update().get(pk=merge.pk)
    Nominal.objects.select_for_update().filter(pk=merge.survivor_id).first()
    problems = undo_problems(merge)
    if problems:
        raise ValidationError({NON_FIELD_ERRORS: problems})

    person = _rebuild(Nominal, merge.merged_row)
    _put_back(person, merge.merged_label)
    subjects: dict[type[models.Model], set[int]] = defaultdict(set)
    for group in merge.moved:
        relation = relation_for(group["model"], group["field"])
        rows = relation.model._base_manager.filter(pk__in=group["ids"])
        _collect_subjects(subjects, relation.model, rows)
        rows.update(**{relation.field.attname: person.pk})
    for kept in merge.dropped:
        relation = relation_for(kept["model"], kept["field"])
        obj = _rebuild(relation.model, kept["row"])
        _put_back(obj, f"the {relation.model._meta.verbose_name} #{obj.pk} set aside by the merge")
        _collect_subjects(subjects, relation.model, relation.model._base_manager.filter(pk=obj.pk))

    now = timezone.now()
    merge.undone_at, merge.undone_by, merge.undo_reason = now, actor, reason
    merge.save(update_fields=["undone_at", "undone_by", "undo_reason"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=merge,
        changes={"undone_at": [None, now]},
        reason=reason,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=person,
        changes={"restored_by_undoing": merge.pk},
        reason=reason,
    )
    survivor = Nominal._base_manager.get(pk=merge.survivor_id)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=survivor,
        changes={"merged_from": [merge.merged_label, None], "merge": merge.pk},
        reason=reason,
    )
    _mark_stale(subjects)
    return merge


def _collect_subjects(
    subjects: dict[type[models.Model], set[int]], model: type[models.Model], rows: Any
) -> None:
    columns = _subject_columns(model)
    if not columns:
        return
    for values in rows.values_list(*[column for _, column in columns]):
        for (subject, _), subject_id in zip(columns, values, strict=True):
            if subject_id is not None:
                subjects[subject].add(subject_id)
