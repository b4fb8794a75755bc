"""Tests that DEALLOCATE ALL on their connection drop every module's prepared statements, not
only those of the module they test: each module's record of what the connection holds is then
wrong, and the next page that runs one of its statements by name in the same test process
fails ("prepared statement ... does not exist"). Marking the connection unsure in every module
makes each read pg_prepared_statements afresh before its next statement."""

from django.db import connection

from kentsoc.dashboard import compiled as dashboard_compiled
from kentsoc.search import compiled as search_compiled
from kentsoc.web import reader_queries


def every_module_unsure() -> None:
    raw = connection.connection
    if raw is not None:
        for module in (dashboard_compiled, search_compiled, reader_queries):
            module._unsure.add(raw)
