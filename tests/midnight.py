"""A pytest plugin that collects the tests on one date and runs them on the next, as a run that
crosses midnight does: `PYTHONPATH=. make pytest ARGS="-p tests.midnight tests/ocg"` (a plugin
named with -p is imported before pytest puts the checkout on the path, hence PYTHONPATH).

A date a module, a class body, a parametrize argument or a default argument works out is
computed at collection; the app works out its own when the test runs. Without a clock-faking
library the clock cannot be moved, but the zone can: collection happens in UTC-12, where it is
still yesterday for the first twelve hours of the force's day (Europe/London), and the tests then
run in the force's own zone. A test that read "today" at collection then holds yesterday's date
and fails, as it would after midnight; one that reads it when it runs is unaffected.
"""

from __future__ import annotations

from collections.abc import Generator

import pytest
from django.conf import settings
from django.test.utils import override_settings
from django.utils import timezone

# The westernmost zone: its date is the force's yesterday until noon UTC.
COLLECTION_ZONE = "Etc/GMT+12"  # POSIX signs are inverted: this is UTC-12


@pytest.hookimpl(wrapper=True)
def pytest_collection(session: pytest.Session) -> Generator[None, object, object]:
    run_day = timezone.localdate()
    # override_settings sends setting_changed, whose Django handler sets the process's TZ too, so
    # datetime.date.today() moves with timezone.localdate().
    collection = override_settings(TIME_ZONE=COLLECTION_ZONE)
    collection.enable()
    try:
        collection_day = timezone.localdate()
        if collection_day == run_day:
            raise pytest.UsageError(
                f"tests.midnight: it is {run_day} both in {COLLECTION_ZONE} and in "
                f"{settings.TIME_ZONE} (after noon UTC), so it cannot stage a crossing of midnight"
            )
        return (yield)
    finally:
        collection.disable()
