from django.apps import AppConfig


class DisruptionsConfig(AppConfig):
    name = "disruptions"
    verbose_name = "Disruptions"

    def ready(self) -> None:
        # Disruptions sit above the subjects: from here they add their panels to the home page
        # and their sections to the OCG, county-line and nominal pages.
        from disruptions import panels, sections
        from kentsoc.web.home import register_panel

        register_panel(panels.approval_panel)
        register_panel(panels.drafts_panel)
        sections.register_sections()
