"""The worker's own stale sweep: rescores lost to a broker outage come back without beat.

A write that commits while Redis is down marks its subjects stale but cannot queue their
rescores (kentsoc/broker.py). The worker runs this sweep once when it is ready and then every
`MATRIX_SWEEP_INTERVAL_SECONDS`, in a daemon thread of its main process (kentsoc/celery.py), so
those subjects are rescored once Redis is back whether or not beat runs. While Redis is still
away a sweep fails fast and the next tick tries again. When beat runs too, the coalescing marker
keeps the two sweeps from queueing one subject twice.
"""

from __future__ import annotations

import logging
import threading

from django import db

from kentsoc.matrix.services import stale_subjects_requeue

logger = logging.getLogger(__name__)


class StaleSweeper(threading.Thread):
    """Sweeps at once, then every `interval` seconds (never again when it is 0) until stopped."""

    def __init__(self, *, interval: float, stale_after: int) -> None:
        super().__init__(name="kentsoc-stale-sweeper", daemon=True)
        self.interval = interval
        self.stale_after = stale_after
        self._stopping = threading.Event()

    def run(self) -> None:
        self.sweep()
        while self.interval > 0 and not self._stopping.wait(self.interval):
            self.sweep()

    def stop(self) -> None:
        self._stopping.set()

    def sweep(self) -> int | None:
        """Enqueue what has been stale too long; the count, or None when the sweep failed."""
        try:
            count = stale_subjects_requeue(older_than_seconds=self.stale_after)
        except Exception:
            # The database may be away too. The thread must outlive any one failure: if it died,
            # nothing would sweep again until the worker restarted.
            logger.warning("Stale sweep failed; retrying in %s s", self.interval, exc_info=True)
            return None
        finally:
            # This thread's own connection: closed between ticks rather than held idle.
            db.connections.close_all()
        if count:
            logger.info("Stale sweep: %d stale subject(s), each with a rescore queued", count)
        return count
