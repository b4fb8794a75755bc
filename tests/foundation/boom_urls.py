"""The real URLs plus one view that fails, to see what a person (or an API client) gets from a
server error."""

from django.urls import path

from kentsoc.urls import handler400, handler403, handler404, handler500
from kentsoc.urls import urlpatterns as real_urlpatterns


def boom(request):
    raise RuntimeError("kentsoc-internal-detail: this must never reach the page")


urlpatterns = [path("boom/", boom), path("api/boom/", boom), *real_urlpatterns]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
