"""Who is asking, from where: request facts every audit row carries, without passing `request`
through every service signature."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None
    request_id: str
    path: str


_current: ContextVar[RequestContext | None] = ContextVar("kentsoc_request", default=None)


def current_request_context() -> RequestContext | None:
    return _current.get()


def set_request_context(ctx: RequestContext | None):
    return _current.set(ctx)


def reset_request_context(token) -> None:
    _current.reset(token)
