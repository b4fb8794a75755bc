from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "kentsoc.org"
    label = "org"
    verbose_name = "Organisation"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from kentsoc.org.admin import trim_admin_site
        from kentsoc.org.panels import administration_panel
        from kentsoc.org.permissions import drop_superuser_shortcut
        from kentsoc.org.roles import sync_roles_after_migrate
        from kentsoc.web.home import register_panel

        # New permissions appear whenever a later migration adds models; keep the role groups
        # in step with ROLE_PERMISSIONS without a hand-written migration each time.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="kentsoc.org.sync_roles")
        # is_superuser grants nothing: every permission check asks the role (RoleBackend).
        drop_superuser_shortcut()
        # The admin's own ready() (first in INSTALLED_APPS) has imported every app's admin
        # module by now, so anything a third-party app registered can be taken off again.
        trim_admin_site()
        register_panel(administration_panel)
