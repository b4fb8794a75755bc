from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "kentsoc.sharing"
    label = "sharing"
    verbose_name = "Shares between forces"

    def ready(self) -> None:
        # Imported here: it reads models, which are not loaded when this module is.
        from kentsoc.sharing import extensions, receivers

        extensions.register()
        receivers.connect()
