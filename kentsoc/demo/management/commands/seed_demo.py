"""Load the fictional demo force and, after it, every app's demo data. Safe to run again."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kentsoc.broker import rescores_deferred
from kentsoc.demo import countylines as countylines_demo
from kentsoc.demo import disruptions as disruptions_demo
from kentsoc.demo import gangs as gangs_demo
from kentsoc.demo import lifetime as lifetime_demo
from kentsoc.demo import matrix as matrix_demo
from kentsoc.demo import ocg as ocg_demo
from kentsoc.demo import org as org_demo
from kentsoc.demo import prevention as prevention_demo
from kentsoc.demo import sharing as sharing_demo

# Each app's demo module has `seed(stdout=..., story_end=date)` and is idempotent. They run in this
# order because later ones reuse what earlier ones made (lines link to OCGs, disruptions target
# both, the matrix scores everything last).
DEMO_MODULES = [
    ocg_demo,
    countylines_demo,
    lifetime_demo,
    disruptions_demo,
    gangs_demo,
    prevention_demo,
    sharing_demo,
    matrix_demo,
]


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--story-end must be a date like 2022-10-31, not {value!r}") from None


class Command(BaseCommand):
    help = "Create or update the fictional demo force, its users and every app's demo data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--story-end",
            type=str,
            default=None,
            help="The last day of the demo story (YYYY-MM-DD); default today.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        story_end = _date(options["story_end"]) if options["story_end"] else today
        if story_end > today:
            # Checked before anything is written: every app's demo dates its records on or
            # before the story's end, and the services refuse future dates.
            raise CommandError(f"--story-end cannot be in the future (today is {today}).")
        logins = org_demo.seed(stdout=self.stdout)
        # The matrix demo, last, scores everything with recompute_all: rescoring after each of
        # the other demos' changes would be thrown away.
        with rescores_deferred():
            for module in DEMO_MODULES:
                self.stdout.write(f"Seeding {module.__name__} (story ends {story_end:%d %b %Y})…")
                # The sharing demo makes other forces' officers: their logins are printed too.
                logins += module.seed(stdout=self.stdout, story_end=story_end) or []
        self._print_logins(logins)

    def _print_logins(self, logins: list[org_demo.DemoLogin]) -> None:
        width = max(len(login.username) for login in logins)
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo logins"))
        for login in logins:
            self.stdout.write(f"  {login.username:<{width}}  {login.role:<34} {login.name}")
        if settings.DEBUG:
            self.stdout.write(
                f"Password for every demo login: {settings.KENTSOC_DEMO_PASSWORD}  "
                "(demo only: unusable when DEBUG is off)"
            )
        else:
            self.stdout.write(
                self.style.WARNING(
                    "DEBUG is off: the demo users have unusable passwords. "
                    "Set real ones with `manage.py changepassword <username>`."
                )
            )
