"""Hooks: a function a lower app calls and an app above it provides, so the call points up while
the import points down.

The lower app declares the hook (its name, its signature, what it promises) in its own module and
calls it like a function; the app above registers its implementation with `provide` from its
AppConfig.ready(). Example: an OCG's list and API show its score and ranks, which the matrix
engine computes, and the matrix imports ocg, not the other way round (ocg/scores.py).

A hook has exactly one provider: calling one that nothing provides is a configuration error
(the providing app is not installed), raised at the first call rather than hidden.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, ParamSpec, TypeVar

from django.core.exceptions import ImproperlyConfigured

P = ParamSpec("P")
R = TypeVar("R")


class Hook(Generic[P, R]):
    def __init__(self, name: str) -> None:
        self.name = name
        self._provider: Callable[P, R] | None = None

    def provide(self, fn: Callable[P, R]) -> Callable[P, R]:
        """Register (or replace: ready() may run twice in tests) the implementation."""
        self._provider = fn
        return fn

    @property
    def provided(self) -> bool:
        return self._provider is not None

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        if self._provider is None:
            raise ImproperlyConfigured(
                f"Nothing provides the hook {self.name}: is the app that implements it installed?"
            )
        return self._provider(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<Hook {self.name}>"
