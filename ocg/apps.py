from django.apps import AppConfig


class OcgConfig(AppConfig):
    name = "ocg"
    verbose_name = "Organised crime groups"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from kentsoc.web.home import register_panel
        from ocg import panels
        from ocg.reference import sync_criminality_types

        post_migrate.connect(
            sync_criminality_types, sender=self, dispatch_uid="ocg.sync_criminality_types"
        )

        register_panel(panels.your_ocgs)
        register_panel(panels.nominations_to_progress)
        register_panel(panels.waiting_for_approval)
