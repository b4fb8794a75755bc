"""`manage.py audit_verify`: walk the audit trail's hash chain (kentsoc/audit/chain.py).

Prints OK with the number of events and the chain's head (record it somewhere else: a later head
that does not follow from it means the newest events were removed), or names the first broken
event and exits with status 1."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from kentsoc.audit.chain import CHUNK_SIZE, verify_chain


class Command(BaseCommand):
    help = "Verifies the audit trail's hash chain and names the first broken event."

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=CHUNK_SIZE,
            help=f"events checked per query (default {CHUNK_SIZE})",
        )

    def handle(self, *args, chunk_size: int, **options):
        if connection.vendor != "postgresql":
            self.stdout.write(
                f"The audit hash chain is kept on PostgreSQL only; this database is "
                f"{connection.vendor}: nothing to verify."
            )
            return
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1")
        started = time.monotonic()
        report = verify_chain(chunk_size=chunk_size)
        seconds = time.monotonic() - started
        if report.broken is not None:
            event = report.broken
            at = timezone.localtime(event.at).isoformat(timespec="seconds")
            raise CommandError(
                f"BROKEN at audit event {event.id} ({at}, {event.action}): {event.why}. "
                f"{report.verified:,} events before it are intact.",
                returncode=1,
            )
        if report.head_id is None:
            self.stdout.write(f"OK: the audit trail is empty ({seconds:.1f} s).")
            return
        self.stdout.write(
            f"OK: {report.verified:,} audit events, hash chain intact ({seconds:.1f} s). "
            f"Head: event {report.head_id}, {report.head_hash}"
        )
