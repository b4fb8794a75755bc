from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Signing in and the officer's own credentials (API tokens, the second factor, lockout), and
    the administration of users and officers: the audited writes to the identity kernel
    (kentsoc.org), which sits below the audit trail and so cannot make them itself."""

    name = "kentsoc.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from kentsoc.accounts import receivers, schema  # noqa: F401  (token revocation, schema)
        from kentsoc.accounts.admin import trim_admin_site
        from kentsoc.accounts.panels import administration_panel
        from kentsoc.web.home import register_panel

        # The admin's own ready() (first in INSTALLED_APPS) has imported every app's admin
        # module by now, so anything a third-party app registered can be taken off again.
        trim_admin_site()
        register_panel(administration_panel)
