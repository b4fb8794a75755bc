from django.apps import AppConfig


class TrailConfig(AppConfig):
    """The audit trail as auditors read it: the Audit page, its exports and /api/audit/. The
    trail itself (kentsoc.audit) sits below the web plumbing, so the auditor's home panel is
    registered from here."""

    name = "kentsoc.trail"
    label = "trail"
    verbose_name = "Audit trail pages"

    def ready(self) -> None:
        from kentsoc.trail.panels import auditor_panel
        from kentsoc.web.home import register_panel

        register_panel(auditor_panel)
