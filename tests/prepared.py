"""Tests that DEALLOCATE ALL on their connection drop every module's prepared statements, not
only those of the module they test: each module's record of what the connection holds is then
wrong, and the next page that runs one of its statements by name in the same test process
fails ("prepared statement ... does not exist"). Every module forgets what the connection held,
so each prepares its next statement again in the same message that runs it (no extra query)."""

from django.db import connection

from kentsoc.dashboard import compiled as dashboard_compiled
from kentsoc.org import permissions
from kentsoc.search import compiled as search_compiled
from kentsoc.web import reader_queries


def every_module_forgets() -> None:
    raw = connection.connection
    if raw is not None:
        for module in (dashboard_compiled, search_compiled, reader_queries):
            module._prepared.pop(raw, None)
        permissions._users_prepared.discard(raw)
