from django.apps import AppConfig


class DisruptionsConfig(AppConfig):
    name = "disruptions"
    verbose_name = "Disruptions"

    def ready(self) -> None:
        from disruptions import panels
        from kentsoc.web.home import register_panel

        register_panel(panels.approval_panel)
        register_panel(panels.drafts_panel)
