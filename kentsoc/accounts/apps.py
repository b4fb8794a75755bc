from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Signing in and the officer's own credentials: API tokens, the second factor, lockout."""

    name = "kentsoc.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # The receivers that revoke tokens, and how the schema describes token auth.
        from kentsoc.accounts import receivers, schema  # noqa: F401
