from django.apps import AppConfig


class CountyLinesConfig(AppConfig):
    name = "countylines"
    verbose_name = "County lines"

    def ready(self) -> None:
        from countylines.panels import nominations_panel
        from kentsoc.web.home import register_panel

        register_panel(nominations_panel)
