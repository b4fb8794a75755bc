"""The API's schema view (apart from schema.py: DRF imports that module while drf-spectacular's
views are being defined)."""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response


class SchemaView(SpectacularAPIView):
    """The schema, generated once per process and language.

    It is made from the code alone (SERVE_PUBLIC: every operation, whoever asks), so it cannot
    change while the process runs; generating it costs about a second of CPU (more on a busy
    machine), which the API docs page would otherwise wait for at every visit. Whoever asks
    still passes the view's permission check first."""

    _generated: ClassVar[dict[tuple[str | None, str], dict[str, Any]]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (version, translation.get_language())
        with self._lock:
            if key not in self._generated:
                generator = self.generator_class(
                    urlconf=self.urlconf, api_version=version, patterns=self.patterns
                )
                self._generated[key] = generator.get_schema(request=request, public=True)
        return Response(
            data=self._generated[key],
            headers={
                "Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'
            },
        )
