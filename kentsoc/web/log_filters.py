"""One line in the server log for a refused or missing page, a stack trace only for failures.

Django logs every 4xx answer from an exception with its traceback: each 403 an officer meets would
print forty lines of stack, burying the server errors that need one. A client error is the
request's fault, not the code's, so its record keeps its message and loses the trace.
"""

from __future__ import annotations

import logging


class ClientErrorsOnOneLine(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
