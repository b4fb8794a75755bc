"""axe-core in the browser tests: WCAG 2.2 AA rules run on the page as the officer sees it.

axe.min.js is vendored from the npm package axe-core (tests/e2e/vendor/axe-core, with its licence):
it is a test tool, never served to officers. Pages forbid inline scripts (Content-Security-Policy),
so the context that runs axe is opened with `bypass_csp`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}


def axe_violations(page: Any) -> list[dict]:
    """Every WCAG 2.2 A/AA violation axe finds on the page now, serious or critical only."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def describe(violations: list[dict]) -> str:
    """One line a violation: rule, impact, and the first offending elements."""
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
        for v in violations
    )
