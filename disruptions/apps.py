from django.apps import AppConfig


class DisruptionsConfig(AppConfig):
    name = "disruptions"
    verbose_name = "Disruptions"

    def ready(self) -> None:
        # Imported here: it reads models, which are not loaded when this module is.
        from disruptions import extensions, pickers

        extensions.register()
        pickers.register()
