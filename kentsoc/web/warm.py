"""What each gunicorn worker would otherwise build on its first requests, built once in gunicorn's
master before it forks its workers (gunicorn.conf.py: preload_app and its when_ready hook).

Without it every worker (2 x cores + 1 of them) imported Django and the views and compiled the
same templates itself while the first officers of a shift were signing in: `make loadtest` saw
the first seconds' pages queue behind five copies of that work. Forked from a warmed master, the
workers share the result (copy-on-write) and start answering at their usual speed.

Nothing here opens a database or broker connection: a connection made before the fork would be
shared by every worker.
"""

from __future__ import annotations

from pathlib import Path

from django.template import engines
from django.urls import get_resolver


def warm_process() -> int:
    """Build the URL tables (importing every view) and compile every project template into the
    cached template loader; the number of templates compiled."""
    get_resolver().reverse_dict  # noqa: B018 (populating the resolver is the point)
    engine = engines["django"]
    compiled = 0
    for directory in engine.engine.dirs:
        root = Path(directory)
        for path in sorted(root.rglob("*.html")):
            engine.get_template(path.relative_to(root).as_posix())
            compiled += 1
    return compiled
