from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OcgConfig(AppConfig):
    name = "ocg"
    verbose_name = "Organised crime groups"

    def ready(self) -> None:
        from ocg import panels, pickers
        from ocg.reference import sync_criminality_types

        post_migrate.connect(
            sync_criminality_types, sender=self, dispatch_uid="ocg.sync_criminality_types"
        )

        panels.register()
        pickers.register()
