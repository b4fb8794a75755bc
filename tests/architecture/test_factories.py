"""One set of test factories: tests/factories.py. A second copy of a builder drifts from the first
(defaults differ, one caller gets a nominated OCG and another a mapped one), so there is none."""

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
BUILDER = re.compile(r"^(def make_\w+|class \w+Factory\()", re.MULTILINE)


def test_factories_are_defined_only_in_tests_factories():
    elsewhere = [
        f"{path.relative_to(TESTS)}: {match.group(0)}"
        for path in sorted(TESTS.rglob("*.py"))
        if path != TESTS / "factories.py"
        for match in BUILDER.finditer(path.read_text())
    ]
    assert elsewhere == [], "Add to (or reuse) tests/factories.py instead:\n" + "\n".join(elsewhere)
    assert [p.relative_to(TESTS) for p in TESTS.rglob("factories.py")] == [Path("factories.py")]
