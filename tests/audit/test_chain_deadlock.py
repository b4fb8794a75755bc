"""Audited writers never deadlock on the chain's lock.

The chain's trigger holds a transaction-scoped advisory lock from an event's insert until commit.
A transaction that audited and then waited on a row lock held by another auditing transaction would
deadlock (PostgreSQL aborts one: a 500 for an officer). kentsoc.audit.chainlock takes the chain's
lock before a transaction's first write, so the lock is always the first one taken and the two
writers queue instead."""

from __future__ import annotations

import threading

import pytest
from django.db import connections, transaction

from kentsoc.audit.choices import AuditAction
from kentsoc.audit.services import audit_record
from tests.factories import DivisionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_audit_then_a_row_lock_does_not_deadlock_with_the_reverse(coordinator, supervisor):
    division = DivisionFactory(code="DL", name="Deadlock")
    row_locked = threading.Event()
    first_audited = threading.Event()
    errors: list[BaseException] = []

    def row_then_audit():
        # An edit: lock the row, change it, audit the change.
        try:
            with transaction.atomic():
                type(division).objects.select_for_update().get(pk=division.pk)
                row_locked.set()
                # Give the other writer time to audit first, as an unlucky interleaving would.
                first_audited.wait(timeout=2)
                type(division).objects.filter(pk=division.pk).update(name="Edited")
                audit_record(actor=supervisor, action=AuditAction.UPDATE, obj=division)
        except BaseException as exc:  # noqa: BLE001  (reported by the test below)
            errors.append(exc)
        finally:
            connections.close_all()

    def audit_then_row():
        # A create that audits first, then touches the same row (as marking a subject stale does).
        try:
            row_locked.wait(timeout=10)
            with transaction.atomic():
                audit_record(actor=coordinator, action=AuditAction.CREATE, object_type="x")
                first_audited.set()
                type(division).objects.filter(pk=division.pk).update(name="Marked")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=row_then_audit), threading.Thread(target=audit_then_row)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors, errors
    division.refresh_from_db()
    assert division.name == "Marked"
