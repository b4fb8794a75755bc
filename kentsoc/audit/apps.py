from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kentsoc.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from kentsoc.audit import (  # noqa: F401  (registered on import)
            checks,  # the deploy check: the app is not the database owner
            receivers,  # auth and admin events are audited
        )
        from kentsoc.audit.chainlock import install

        install()
