"""Error answers outside the views: JSON under /api/, a clear page everywhere else.

Django's own handlers (400, 403, 404, 500), the request guard and the sign-in lockout all come
through here, so an API client never gets an HTML page it cannot parse, whatever failed and
wherever (an unknown /api/ address, an oversized body, a crash in a view)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def api_error(status: int, detail: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"detail": detail, **extra}, status=status)


def page(template: str, status: int, context: dict[str, Any] | None = None) -> HttpResponse:
    # No request context processors: whatever failed may be what they need (the session, the
    # database), and an error page must still render.
    return HttpResponse(loader.get_template(template).render(context or {}), status=status)


def upload_limit() -> int | None:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def too_large(request: HttpRequest) -> HttpResponse:
    limit = upload_limit() or 0
    megabytes = f"{limit / (1024 * 1024):.1f} MB"
    if is_api(request):
        return api_error(413, f"The request body is larger than the limit of {limit} bytes.")
    return page("errors/413.html", 413, {"limit": megabytes})


def bad_request(request: HttpRequest, detail: str) -> HttpResponse:
    if is_api(request):
        return api_error(400, detail)
    return page("errors/400.html", 400, {"detail": detail})


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' answer to a locked account (AXES_LOCKOUT_CALLABLE): JSON for the API's
    sign-in, the locked-out page for the web's. 429 either way."""
    if is_api(request):
        return api_error(
            429,
            "Too many failed sign-in attempts for this account: it is locked for a while. "
            "Try again later, or contact the service desk.",
        )
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, {}, status=429)
