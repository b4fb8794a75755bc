import uuid

from django.conf import settings

from kentsoc.audit.context import RequestContext, reset_request_context, set_request_context


def client_ip(request) -> str | None:
    # Behind PROXY_COUNT trusted proxies the client is that many hops back in X-Forwarded-For;
    # with no proxy configured the header is ignored because a client can forge it.
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming[:64] if incoming.replace("-", "").isalnum() else uuid.uuid4().hex
        request.request_id = request_id
        token = set_request_context(
            RequestContext(
                ip_address=client_ip(request), request_id=request_id, path=request.path[:300]
            )
        )
        try:
            response = self.get_response(request)
        finally:
            reset_request_context(token)
        response["X-Request-ID"] = request_id
        return response
