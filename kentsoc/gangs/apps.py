from django.apps import AppConfig


class GangsConfig(AppConfig):
    name = "kentsoc.gangs"
    label = "gangs"
    verbose_name = "Gangs and street groups"

    def ready(self) -> None:
        # Imported here: it reads models, which are not loaded when this module is.
        from kentsoc.gangs import extensions

        extensions.register()
