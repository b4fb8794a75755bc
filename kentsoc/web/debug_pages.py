"""With DEBUG on (the demo), an officer still gets the project's own "not found" page.

Django answers a 404 under DEBUG with its technical page, which lists every URL pattern: an officer
opening a record they may not see must get the same plain page as in production, not a map of the
application. Only Django's technical page is replaced (it is marked NONE,NOARCHIVE for robots),
so a view's own 404 answer, an htmx fragment or an API error stays as it is.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from kentsoc.web.views import error_404

TECHNICAL_PAGE_MARK = b'content="NONE,NOARCHIVE"'


class OwnNotFoundPageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and not response.streaming
            and TECHNICAL_PAGE_MARK in response.content
        ):
            return error_404(request)
        return response
