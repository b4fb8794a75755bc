"""The API's body parser: JSON only, with limits on size and nesting, and no NUL characters.

Python's json module recurses once per level of nesting, so a body of 100,000 "[" is a
RecursionError (a 500) before any serializer sees it. The nesting is measured first, on the raw
bytes, without recursion; no API body needs more than a handful of levels."""

from __future__ import annotations

import json
import re
from typing import Any

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32

# A JSON string (skipped whole, so brackets inside text do not count) or a bracket.
_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_OPEN = frozenset(b"[{")
NUL = "\x00"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


def nesting_depth(raw: bytes) -> int:
    depth = deepest = 0
    for match in _TOKEN.finditer(raw):
        token = match.group()
        if len(token) != 1:
            continue
        if token[0] in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _nul_path(value: Any, path: str = "") -> str | None:
    """Where the first NUL character is, as `field`, `list[2].field`, or None."""
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if NUL in key:
                return here.replace(NUL, "\\u0000")
            found = _nul_path(item, here)
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = _nul_path(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON.")


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        parser_context = parser_context or {}
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise PayloadTooLarge(f"The request body is larger than the limit of {limit} bytes.")
        depth = nesting_depth(raw)
        if depth > MAX_DEPTH:
            raise exceptions.ParseError(
                f"JSON nested {depth} levels deep; at most {MAX_DEPTH} levels are accepted."
            )
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            data = json.loads(raw.decode(encoding), parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}")
        where = _nul_path(data)
        if where is not None:
            raise exceptions.ValidationError(
                {where or "non_field_errors": ["NUL characters (\\u0000) are not allowed."]}
            )
        return data
