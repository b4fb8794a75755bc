"""Static files storage for production: hashed, compressed names (WhiteNoise), without source maps.

Vendored npm builds end with a `sourceMappingURL` comment for a map file we do not ship. Django's
manifest storage rewrites that reference to a hashed name and fails the whole collectstatic when
the map is missing; the comment only helps browser developer tools, so it is left as it is.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _is_source_map(pattern: str | tuple[str, str]) -> bool:
    regex = pattern if isinstance(pattern, str) else pattern[0]
    return "sourceMappingURL" in regex


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    patterns = tuple(
        (glob, tuple(p for p in rules if not _is_source_map(p)))
        for glob, rules in CompressedManifestStaticFilesStorage.patterns
    )
