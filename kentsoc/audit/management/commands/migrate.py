"""Django's `migrate`, run as the database owner (MIGRATE_DATABASE_URL) when one is configured, then
granting the app's own login (DATABASE_URL) what it needs and no more: see
kentsoc/audit/database.py. Unset, it is exactly Django's command."""

from django.core.management.commands import migrate
from django.db import connections

from kentsoc.audit.database import app_credentials, as_owner, grant_app_privileges


class Command(migrate.Command):
    help = (
        "Updates the database schema as the database owner (MIGRATE_DATABASE_URL, when set) and "
        "grants the app's login (DATABASE_URL) its privileges."
    )

    def execute(self, *args, **options):
        connection = connections[options["database"]]
        with as_owner(connection) as owner:
            output = super().execute(*args, **options)
            if owner is not None and not (options["plan"] or options["check_unapplied"]):
                grant_app_privileges(connection, app_role=app_credentials()["USER"])
        return output
