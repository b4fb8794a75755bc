import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from kentsoc.matrix.recompute import recompute_all


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of must be a date like 2026-03-31, not {value!r}")


class Command(BaseCommand):
    help = "Rebuild every TRH score and ranking; with --as-of, that day's history and snapshot."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=_date, default=None, help="YYYY-MM-DD (default today)")
        parser.add_argument("--no-progress", action="store_true", help="Hide the progress bar")

    def handle(self, *args, as_of: datetime.date | None, no_progress: bool, **options) -> None:
        def progress(items):
            return tqdm(items, unit="subject", disable=no_progress, file=self.stderr._out)

        try:
            summary = recompute_all(as_of=as_of, progress=progress)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages))
        self.stdout.write(
            f"As of {summary.as_of}: {summary.lines_scored} lines and {summary.ocgs_scored} OCGs "
            f"scored, {summary.scores_written} new scores, {summary.ranked} rank rows."
        )
