from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kentsoc.org.scoping import access_for
from kentsoc.web.health import broker_status, database_status
from kentsoc.web.home import ROLE_DUTIES, panels_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    officer = getattr(request.user, "officer", None) if access else None
    return render(
        request,
        "web/home.html",
        {
            "officer": officer,
            "role_label": officer.get_role_display() if officer else None,
            "duties": ROLE_DUTIES.get(access.role, []) if access else [],
            "panels": panels_for(request.user) if access else [],
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
    return render(
        request,
        "errors/403_csrf.html",
        {"reason": "Your form expired or was sent from another site."},
        status=403,
    )


def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors here: whatever broke may be what they need.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render({}), status=500)
