"""Refuse, before any view runs, the requests no view could answer safely."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from kentsoc.web.errors import bad_request, too_large, upload_limit

NUL = "\x00"


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _nul_in_address(request: HttpRequest) -> bool:
    # PostgreSQL text cannot hold NUL: a filter value carrying one would reach the database as a
    # DataError (a 500). Decoded values are checked, so %00 is caught as well as a raw byte.
    if NUL in request.path_info:
        return True
    return any(
        NUL in key or any(NUL in value for value in values) for key, values in request.GET.lists()
    )


class RequestGuardMiddleware:
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE is refused with 413 up front (Django would
    otherwise raise RequestDataTooBig wherever the body is first read, and DRF's parsers read
    the stream without that check at all); a NUL character in the address or query string is a
    400. JSON under /api/, a clear page elsewhere. NUL characters in a body are refused by the
    API's JSON parser and by the form fields, which can name the field."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = upload_limit()
        if limit is not None and _declared_length(request) > limit:
            return too_large(request)
        if _nul_in_address(request):
            return bad_request(
                request, "The address or query string contains a NUL character (%00)."
            )
        return self.get_response(request)
