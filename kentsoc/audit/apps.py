from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kentsoc.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from kentsoc.audit import receivers  # noqa: F401  (auth and admin events are audited)
