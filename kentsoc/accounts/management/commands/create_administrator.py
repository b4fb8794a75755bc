"""`manage.py create_administrator <username>`: the deployment's first administrator.

Use this, not `createsuperuser`: superuser status grants nothing in kentsoc, and an administrator
is an officer with the Administrator role (users, teams, roles, reference data; no police data).
The password comes from --password-file (a Docker secret, say), else the environment variable
KENTSOC_ADMIN_PASSWORD, else a prompt; it must pass the password validators.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kentsoc.accounts.officers import administrator_create
from kentsoc.org.choices import Rank
from kentsoc.org.models import Force, Team

PASSWORD_ENV = "KENTSOC_ADMIN_PASSWORD"  # noqa: S105 - the variable's name, not a password


class Command(BaseCommand):
    help = (
        "Create an administrator: a user with the Administrator role and staff status (for "
        "/admin/), never a superuser. Refuses a username that already exists."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--password-file",
            type=Path,
            help=f"Read the password from this file (one line). Otherwise ${PASSWORD_ENV}, "
            "otherwise a prompt.",
        )
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--collar-number", default="", help="Default: ADM-<user id>, unique to the account."
        )
        parser.add_argument("--rank", default=Rank.STAFF, choices=Rank.values)
        parser.add_argument(
            "--team",
            default="",
            help="Code of an existing team. Default: the force's Administration team (made if "
            "missing).",
        )
        parser.add_argument(
            "--force",
            default="",
            help="Code of the force the administrator works for (needed when there is more than "
            "one; an administrator manages their own force's officers only).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        team = self._team(options["team"])
        force = self._force(options["force"])
        password = self._password(options["password_file"])
        try:
            officer = administrator_create(
                username=options["username"],
                password=password,
                team=team,
                force=force,
                first_name=options["first_name"],
                last_name=options["last_name"],
                email=options["email"],
                collar_number=options["collar_number"],
                rank=options["rank"],
                created_by="manage.py create_administrator",
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f'Administrator "{officer.user.username}" created in {officer.team.name} '
                f"(collar number {officer.collar_number}): staff, not superuser. Sign in at "
                "/admin/ to add officers."
            )
        )

    def _team(self, code: str) -> Team | None:
        if not code:
            return None
        team = Team.objects.filter(code=code).first()
        if team is None:
            raise CommandError(f'No team has the code "{code}".')
        return team

    def _force(self, code: str) -> Force | None:
        if not code:
            return None
        force = Force.objects.filter(code=code).first()
        if force is None:
            raise CommandError(f'No force has the code "{code}".')
        return force

    def _password(self, path: Path | None) -> str:
        if path is not None:
            try:
                # One line; the newline an editor or `echo` adds is not part of the password.
                password = path.read_text(encoding="utf-8").rstrip("\r\n")
            except OSError as exc:
                raise CommandError(f"Cannot read the password file: {exc.strerror}.") from exc
        elif os.environ.get(PASSWORD_ENV):
            password = os.environ[PASSWORD_ENV]
        elif sys.stdin.isatty():
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ; nothing was changed.")
        else:
            raise CommandError(
                f"No password: give --password-file, set {PASSWORD_ENV}, or run in a terminal "
                "to be asked."
            )
        if not password:
            raise CommandError("The password is empty; nothing was changed.")
        return password
