"""Which criteria of its definition a subject does not yet meet: asked before it goes on the matrix.

The definition evidence is intelligence, kept by kentsoc.intel, a layer above the subjects. Intel
plugs the one reader of it into each subject's hook from its AppConfig.ready(); the subject's
services refuse a submission (or an approval) that still has gaps, and its pages and API list
them, without importing intel. County lines use the same hook type (countylines.definition).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Prefetch


@dataclass(frozen=True)
class Gap:
    code: str
    label: str


@dataclass(frozen=True)
class DefinitionReader:
    # The criteria the subject does not yet meet, in the definition's order.
    gaps: Callable[[Any], list[Gap]]
    # What a list of subjects prefetches so that `gaps` costs no query per row.
    prefetch: Sequence[Prefetch] = ()


class DefinitionHook:
    """One subject type's slot for the reader. Unset is a configuration error, never "no gaps":
    a subject must not reach the matrix unchecked because an app is missing."""

    def __init__(self, subject: str) -> None:
        self.subject = subject
        self._reader: DefinitionReader | None = None

    def register(self, reader: DefinitionReader) -> None:
        self._reader = reader

    def _get(self) -> DefinitionReader:
        if self._reader is None:
            raise ImproperlyConfigured(
                f"Nothing reads the {self.subject} definition's evidence: kentsoc.intel "
                "registers the reader from its AppConfig.ready()."
            )
        return self._reader

    def prefetch(self) -> list[Prefetch]:
        return list(self._get().prefetch)

    def gaps(self, subject: Any) -> list[Gap]:
        return self._get().gaps(subject)


ocg_definition = DefinitionHook("OCG")
