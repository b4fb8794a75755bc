"""Reset an officer's second factor when they lost their phone and their recovery codes."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kentsoc.accounts.services import second_factor_reset


class Command(BaseCommand):
    help = (
        "Delete an officer's authenticator app and recovery codes (audited); they set up a new "
        "app at their next sign-in. The keys are never shown."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reason", required=True, help="why, for the audit trail")

    def handle(self, *args, username: str, reason: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        removed = second_factor_reset(user=user, reason=reason)
        self.stdout.write(
            f"Second factor of {username} reset ({removed} device(s) removed); they enrol again "
            "at their next sign-in."
        )
