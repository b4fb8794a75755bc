import logging

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kentsoc.org.scoping import access_for
from kentsoc.web.errors import api_error, bad_request, is_api, page
from kentsoc.web.health import broker_status, database_status
from kentsoc.web.home import ROLE_DUTIES, audit_panels, panels_for

logger = logging.getLogger(__name__)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    officer = getattr(request.user, "officer", None) if access else None
    panels = panels_for(request.user) if access else []
    audit_panels(request.user, panels)
    return render(
        request,
        "web/home.html",
        {
            "officer": officer,
            "role_label": officer.get_role_display() if officer else None,
            "duties": ROLE_DUTIES.get(access.role, []) if access else [],
            "panels": panels,
            "no_role": access is None,
        },
    )


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    db_ok, db_detail = database_status()
    broker_ok, broker_detail = broker_status()
    # Without the database nothing works: 503, take this instance out of service. Without the
    # broker pages are served and writes are saved (rescores wait for the worker's stale sweep),
    # so the instance stays in service: 200, "degraded: broker", for monitoring to raise.
    if not db_ok:
        status, code = "unavailable", 503
    elif not broker_ok:
        status, code = "degraded: broker", 200
    else:
        status, code = "ok", 200
    return JsonResponse(
        {
            "status": status,
            "database": {"ok": db_ok, "detail": db_detail},
            "broker": {"ok": broker_ok, "detail": broker_detail},
        },
        status=code,
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if is_api(request):
        return api_error(403, "CSRF check failed: send the X-CSRFToken header, or use a token.")
    return render(
        request,
        "errors/403_csrf.html",
        {"reason": "Your form expired or was sent from another site."},
        status=403,
    )


def error_400(request: HttpRequest, exception=None) -> HttpResponse:
    return bad_request(request, "The request could not be understood.")


def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    if is_api(request):
        return api_error(403, "You do not have permission to perform this action.")
    return render(request, "errors/403.html", status=403)


def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    if is_api(request):
        return api_error(404, "Not found.")
    return render(request, "errors/404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # django.request has just logged the stack trace; this line ties it to the request id an API
    # client is given, so a reported id finds the failure.
    request_id = getattr(request, "request_id", None)
    logger.error("Server error on %s, request id %s", request.path, request_id)
    if is_api(request):
        return api_error(500, "Server error", request_id=request_id)
    return page("errors/500.html", 500)


def favicon(request: HttpRequest) -> HttpResponse:
    # Browsers ask for /favicon.ico on pages that name no icon (error pages, print views).
    return redirect(static("favicon.svg"), permanent=True)
