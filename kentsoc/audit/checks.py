"""`manage.py check --deploy`: the app must not log in to PostgreSQL as the database owner."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def app_login_is_not_the_owner(app_configs=None, **kwargs):
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        return []
    if getattr(settings, "MIGRATE_DATABASE_URL", None):
        return []
    return [
        Warning(
            "MIGRATE_DATABASE_URL is not set, so the app logs in as the database owner: it could "
            "truncate the audit trail or switch its triggers off.",
            hint="Migrate as the owner (MIGRATE_DATABASE_URL) and give DATABASE_URL a login "
            "that owns nothing; see README, Deployment.",
            id="kentsoc.W001",
        )
    ]
