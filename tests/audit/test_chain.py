"""The audit trail's hash chain and `manage.py audit_verify` (kentsoc/audit/chain.py).

Tampering is done the only way left: as the database owner with the append-only trigger switched
off (tests/audit/owner.py). The chain cannot stop that; audit_verify must name where it happened.
The tests commit (transactional_db) so the owner's connection sees the rows."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction

from kentsoc.audit.chain import verify_chain
from kentsoc.audit.choices import AuditAction
from kentsoc.audit.models import AuditEvent
from kentsoc.audit.services import audit_record
from tests.audit.owner import owner_connection, tamper

pytestmark = pytest.mark.django_db(transaction=True)

HEX64 = re.compile(r"^[0-9a-f]{64}$")

# One change per column the hash covers. Every column but the hash itself must be here (the test
# below compares with the table): a column left out of the digest could be altered unseen.
TAMPER = {
    "at": "at = at - interval '1 hour'",
    "actor_id": "actor_id = NULL",
    "actor_username": "actor_username = 'someone-else'",
    "action": "action = 'create'",
    "object_type": "object_type = 'intel.intelligencerecord'",
    "object_id": "object_id = '999'",
    "object_repr": "object_repr = 'nothing to see'",
    "changes": "changes = '{\"ids\": []}'::jsonb",
    "reason": "reason = 'tidied up'",
    "ip_address": "ip_address = '198.51.100.9'",
    "request_id": "request_id = 'other-request'",
    "path": "path = '/elsewhere/'",
    "prev_hash": "prev_hash = repeat('0', 64)",
}


@pytest.fixture
def events(coordinator):
    """Five events through the service, as the app writes them."""
    return [
        audit_record(
            actor=coordinator,
            action=AuditAction.UPDATE,
            object_type="ocg.ocg",
            object_id=n,
            changes={"name": ["OLD", f"NEW {n}"]},
            reason=f"reason {n}",
        )
        for n in range(5)
    ]


def _verify() -> str:
    out = io.StringIO()
    call_command("audit_verify", stdout=out, chunk_size=2)
    return out.getvalue()


def _broken_at() -> str:
    with pytest.raises(CommandError) as caught:
        _verify()
    assert caught.value.returncode == 1
    return str(caught.value)


def test_each_event_carries_the_hash_of_the_one_before(events):
    rows = list(AuditEvent.objects.order_by("id").values_list("id", "prev_hash", "row_hash"))
    assert [row[0] for row in rows] == [event.pk for event in events]
    assert rows[0][1] == ""
    for (_, _, previous), (_, prev_hash, row_hash) in zip(rows, rows[1:], strict=False):
        assert prev_hash == previous
        assert HEX64.match(row_hash)
    assert len({row[2] for row in rows}) == len(rows)


def test_audit_verify_says_ok_with_the_count_and_the_head(events):
    output = _verify()

    head = AuditEvent.objects.order_by("id").last()
    assert output.startswith("OK: 5 audit events, hash chain intact")
    assert f"Head: event {head.pk}, {head.row_hash}" in output


def test_the_client_cannot_choose_the_id_or_the_hashes(events, coordinator):
    forged = AuditEvent.objects.create(
        id=events[0].pk,  # an id already in the chain
        actor=coordinator,
        action=AuditAction.VIEW,
        prev_hash="f" * 64,
        row_hash="f" * 64,
    )

    stored = AuditEvent.objects.order_by("id").last()
    assert forged.pk == stored.pk > events[-1].pk
    assert stored.prev_hash == AuditEvent.objects.get(pk=events[-1].pk).row_hash
    assert stored.row_hash != "f" * 64
    assert verify_chain().broken is None


def test_every_column_but_the_hash_is_covered():
    with connection.cursor() as cursor:
        columns = {
            column.name
            for column in connection.introspection.get_table_description(
                cursor, AuditEvent._meta.db_table
            )
        }
    assert set(TAMPER) == columns - {"id", "row_hash"}


@pytest.mark.parametrize("column", sorted(TAMPER))
def test_a_changed_event_is_named(column, events):
    victim = events[2]
    tamper(f"UPDATE audit_auditevent SET {TAMPER[column]} WHERE id = %s", [victim.pk])  # noqa: S608

    message = _broken_at()

    assert f"BROKEN at audit event {victim.pk} (" in message
    action = AuditEvent.objects.get(pk=victim.pk).action
    assert f", {action}): its content does not match its hash" in message
    assert "2 events before it are intact" in message


def test_a_changed_event_with_its_hash_recomputed_breaks_the_next_link(events):
    victim, following = events[2], events[3]
    tamper("UPDATE audit_auditevent SET reason = 'tidied up' WHERE id = %s", [victim.pk])
    tamper(
        "UPDATE audit_auditevent e SET row_hash = audit_auditevent_digest(e) WHERE id = %s",
        [victim.pk],
    )

    message = _broken_at()

    assert f"BROKEN at audit event {following.pk} (" in message
    assert "its prev_hash is not the hash of the event before it" in message


def test_a_removed_event_is_named_by_the_one_after_it(events):
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])

    message = _broken_at()

    assert f"BROKEN at audit event {events[2].pk} (" in message
    assert ", update): its prev_hash is not the hash of the event before it" in message
    assert "1 events before it are intact" in message


def test_removing_the_first_events_is_named_too(events):
    tamper("DELETE FROM audit_auditevent WHERE id <= %s", [events[1].pk])

    assert f"BROKEN at audit event {events[2].pk} (" in _broken_at()


def test_an_empty_trail_is_ok():
    assert _verify().startswith("OK: the audit trail is empty")


def test_interleaved_writers_chain_in_id_order(coordinator, supervisor):
    """A second transaction writing while the first holds the chain waits for it, and takes its id
    only then: ids, commit order and the chain agree."""
    second: list[AuditEvent] = []

    def other_writer():
        try:
            with transaction.atomic():
                second.append(
                    audit_record(actor=supervisor, action=AuditAction.VIEW, object_type="b")
                )
        finally:
            connections.close_all()

    with transaction.atomic():
        first = audit_record(actor=coordinator, action=AuditAction.VIEW, object_type="a")
        writer = threading.Thread(target=other_writer)
        writer.start()
        _wait_for_a_writer_waiting_on_the_chain()
        last = audit_record(actor=coordinator, action=AuditAction.VIEW, object_type="a")
    writer.join(timeout=30)

    assert first.pk < last.pk < second[0].pk
    assert verify_chain().broken is None


def _wait_for_a_writer_waiting_on_the_chain() -> None:
    with owner_connection() as conn:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            waiting = conn.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            ).fetchone()[0]
            if waiting:
                return
            time.sleep(0.05)
    pytest.fail("the second writer never waited for the chain's lock")


def test_events_are_refused_outside_read_committed(coordinator):
    """A repeatable-read snapshot could miss the latest event and fork the chain."""
    with pytest.raises(DatabaseError, match="READ COMMITTED"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        audit_record(actor=coordinator, action=AuditAction.VIEW, object_type="ocg.ocg")


def test_the_migration_chains_the_events_already_there(coordinator):
    """Migrating audit forward over a trail written before the chain existed links it in id order
    (the migrations run as the owner, like `migrate` itself)."""
    call_command("migrate", "audit", "0003", verbosity=0)
    try:
        with owner_connection() as conn:
            conn.execute(
                "INSERT INTO audit_auditevent (at, actor_id, actor_username, action, object_type,"
                " object_id, object_repr, changes, reason, request_id, path)"
                " SELECT now() - g * interval '1 minute', %s, 'coordinator', 'view', 'ocg.ocg',"
                " g::text, '', jsonb_build_object('n', g), '', '', '/'"
                " FROM generate_series(1, 30) g",
                [coordinator.pk],
            )
    finally:
        call_command("migrate", "audit", verbosity=0)

    rows = AuditEvent.objects.order_by("id")
    assert rows.count() == 30 and all(HEX64.match(e.row_hash) for e in rows)
    assert verify_chain(chunk_size=7).verified == 30
    # New events join the end of the chain, and the app may still add them.
    audit_record(actor=coordinator, action=AuditAction.VIEW, object_type="ocg.ocg")
    assert verify_chain().verified == 31


def test_on_sqlite_audit_verify_says_the_chain_is_postgresql_only(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "kentsoc.settings",
        "DEBUG": "true",
        "SQLITE_PATH": str(tmp_path / "demo.sqlite3"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "audit_verify"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "kept on PostgreSQL only" in result.stdout
