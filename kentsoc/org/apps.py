from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "kentsoc.org"
    label = "org"
    verbose_name = "Organisation"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from kentsoc.org.permissions import drop_superuser_shortcut
        from kentsoc.org.roles import sync_roles_after_migrate

        # New permissions appear whenever a later migration adds models; keep the role groups
        # in step with ROLE_PERMISSIONS without a hand-written migration each time.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="kentsoc.org.sync_roles")
        # is_superuser grants nothing: every permission check asks the role (RoleBackend).
        drop_superuser_shortcut()
