from django.apps import AppConfig


class OcgConfig(AppConfig):
    name = "ocg"
    verbose_name = "Organised crime groups"

    def ready(self) -> None:
        from kentsoc.web.home import register_panel
        from ocg import panels

        register_panel(panels.your_ocgs)
        register_panel(panels.nominations_to_progress)
        register_panel(panels.waiting_for_approval)
