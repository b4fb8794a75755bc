"""No test reads the clock while it is being collected.

A date worked out in a module constant, a class body, a parametrize argument, a default argument or
a fixture shared by many tests is fixed when pytest collects (or first sets it up); the app works
out its own when the test runs. A run that crosses midnight then compares yesterday's date with
today's: a "future" date the app no longer refuses, a mapped_on a day off. Dates are worked out
inside the test (or its function-scoped fixture), or passed as the function that works them out.
`pytest -p tests.midnight` stages such a crossing for a whole run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent.parent
# What reads today's date or the time: the standard library's, Django's, kentsoc.dates' and the
# factories' helpers, and the monthly matrix's default month.
CLOCK_READS = {"today", "now", "utcnow", "localdate", "localtime", "days_ago"}
CLOCK_READS_WITHOUT_ARGUMENTS = {"last_complete_month"}


def _reads_clock(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return name in CLOCK_READS or (
        name in CLOCK_READS_WITHOUT_ARGUMENTS and not node.args and not node.keywords
    )


def _evaluated_now(node: ast.AST, nested: list[ast.stmt]) -> list[ast.AST]:
    """The clock reads evaluated when `node` is: a lambda's body runs later, and so does a
    function's (a def or class inside `node`, under an `if` or `try`, goes to `nested`)."""
    found = []
    stack = [node]
    while stack:
        current = stack.pop()
        if _reads_clock(current):
            found.append(current)
        for child in ast.iter_child_nodes(current):
            if isinstance(child, ast.Lambda):
                stack.extend(child.args.defaults + [d for d in child.args.kw_defaults if d])
            elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                nested.append(child)
            else:
                stack.append(child)
    return found


def _wide_fixture(decorator: ast.expr) -> bool:
    """A fixture set up once for more than one test (scope other than "function")."""
    return isinstance(decorator, ast.Call) and any(
        keyword.arg == "scope"
        and not (isinstance(keyword.value, ast.Constant) and keyword.value.value == "function")
        for keyword in decorator.keywords
    )


def collection_time_reads(source: str) -> list[int]:
    """The lines of `source` that read the clock at collection (or in a shared fixture)."""
    lines: list[int] = []

    def statements(body: list[ast.stmt]) -> None:
        for statement in body:
            nested: list[ast.stmt] = []
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
                arguments = statement.args
                for node in [
                    *statement.decorator_list,
                    *arguments.defaults,
                    *(d for d in arguments.kw_defaults if d),
                ]:
                    lines.extend(read.lineno for read in _evaluated_now(node, nested))
                if any(_wide_fixture(d) for d in statement.decorator_list):
                    lines.extend(node.lineno for node in ast.walk(statement) if _reads_clock(node))
            elif isinstance(statement, ast.ClassDef):
                for node in [*statement.decorator_list, *statement.bases, *statement.keywords]:
                    lines.extend(read.lineno for read in _evaluated_now(node, nested))
                statements(statement.body)
            else:
                lines.extend(read.lineno for read in _evaluated_now(statement, nested))
            statements(nested)

    statements(ast.parse(source).body)
    return sorted(set(lines))


def test_no_test_module_reads_the_clock_at_collection():
    found = [
        f"{path.relative_to(TESTS.parent)}:{line}"
        for path in sorted(TESTS.rglob("*.py"))
        for line in collection_time_reads(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "today worked out at collection: " + ", ".join(found)


@pytest.mark.parametrize(
    "source",
    [
        "TODAY = datetime.date.today()",
        "FUTURE = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()",
        "MONTH = last_complete_month()",
        "class T:\n    day = days_ago(3)",
        "@pytest.mark.parametrize('d', [dates.today()])\ndef test(d): pass",
        "def test(d=timezone.now()): pass",
        "@pytest.fixture(scope='module')\ndef world():\n    return make(on=date.today())",
        "CASES = [(lambda x=date.today(): x)]",
        "if True:\n    @pytest.mark.parametrize('d', [today()])\n    def test(d): pass",
    ],
)
def test_each_way_of_reading_the_clock_at_collection_is_found(source):
    assert collection_time_reads(source) != []


@pytest.mark.parametrize(
    "source",
    [
        "def test():\n    assert thing.on == today()",
        "@pytest.fixture\ndef day():\n    return timezone.localdate()",
        "CASES = {'tomorrow': lambda: today() + datetime.timedelta(days=1)}",
        "@pytest.mark.parametrize('d', [lambda: dates.today()])\ndef test(d): pass",
        "MONTH = last_complete_month(datetime.date(2022, 10, 31))",
        "STORY_END = datetime.date(2022, 10, 31)",
        "if True:\n    def test():\n        assert x == today()",
    ],
)
def test_reading_the_clock_when_the_test_runs_is_not_flagged(source):
    assert collection_time_reads(source) == []
