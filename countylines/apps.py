from django.apps import AppConfig


class CountyLinesConfig(AppConfig):
    name = "countylines"
    verbose_name = "County lines"

    def ready(self) -> None:
        # Imported here: it reads models, which are not loaded when this module is.
        from countylines import extensions, pickers

        extensions.register()
        pickers.register()
