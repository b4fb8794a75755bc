"""The OpenAPI schema documents every error an operation can answer with, in one place.

The project's AutoSchema (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS) adds, to each operation, the
error responses the API's shared plumbing can give it (kentsoc/web/api.py, parsers.py,
guards.py, errors.py), with the body they carry. An operation's own documented responses are
kept as they are."""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework.permissions import AllowAny

ERROR = "Error"
VALIDATION_ERROR = "ValidationError"

COMPONENTS = {
    ERROR: {
        "type": "object",
        "description": "An error with one message.",
        "properties": {
            "detail": {"type": "string"},
            "request_id": {
                "type": "string",
                "nullable": True,
                "description": "On a server error: quote it to find the failure in the logs.",
            },
        },
        "required": ["detail"],
    },
    VALIDATION_ERROR: {
        "type": "object",
        "description": "What was refused: messages under each field name (nested as the body "
        "is), `non_field_errors` for the rest, or `detail` for a body that could not be read.",
        "properties": {
            "detail": {"type": "string"},
            "non_field_errors": {"type": "array", "items": {"type": "string"}},
        },
        "additionalProperties": {},
    },
}

DESCRIPTIONS = {
    "400": "Refused: the body, a parameter or the address is invalid (each field named).",
    "401": "Not signed in: no credentials, or a token that is unknown, expired or revoked.",
    "403": "Signed in, but your role may not do this.",
    "404": "No such record (in the address or the body), or not one you may see; or no such "
    "page of results.",
    "413": "The request body is larger than the upload limit.",
    "415": "The body is not JSON (send Content-Type: application/json).",
    "428": "Say which version you are changing: `version` in the body or an If-Match header.",
    "429": "Too many failed sign-in attempts: the account is locked for a while.",
}
SCHEMAS = {"400": VALIDATION_ERROR, "428": VALIDATION_ERROR}
BODY_METHODS = {"post", "put", "patch"}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema, plus the error responses of kentsoc's shared plumbing."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        refs = {}
        for name, schema in COMPONENTS.items():
            component = ResolvedComponent(
                name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
            )
            registry.register_on_missing(component)
            refs[name] = component.ref
        responses = operation.setdefault("responses", {})
        for code in self._error_codes(path, method.lower(), operation):
            responses.setdefault(
                code,
                {
                    "description": DESCRIPTIONS[code],
                    "content": {"application/json": {"schema": refs[SCHEMAS.get(code, ERROR)]}},
                },
            )
        return operation

    def _error_codes(self, path: str, method: str, operation: dict[str, Any]) -> list[str]:
        codes = ["400"]
        # Only signing in is open to anonymous callers, and django-axes can lock it; every
        # other operation needs a signed-in officer whose role allows it.
        anonymous = any(isinstance(p, AllowAny) for p in self.view.get_permissions())
        codes += ["429"] if anonymous else ["401", "403"]
        if not anonymous:
            # An unknown or unseen record, in the address or named in the body; or a page of
            # results past the last.
            codes.append("404")
        if method in BODY_METHODS:
            codes += ["413", "415"]
        if method in ("put", "patch"):
            codes.append("428")
        return codes
