from django.apps import AppConfig


class CountyLinesConfig(AppConfig):
    name = "countylines"
    verbose_name = "County lines"

    def ready(self) -> None:
        from countylines import extensions
        from countylines.panels import nominations_panel
        from countylines.receivers import ocg_matrix_status_changed
        from kentsoc.web.home import register_panel
        from ocg.signals import matrix_status_changed

        register_panel(nominations_panel)
        extensions.register()
        matrix_status_changed.connect(
            ocg_matrix_status_changed, dispatch_uid="countylines.ocg_matrix_status_changed"
        )
