from django.apps import AppConfig


class LifetimeConfig(AppConfig):
    """Lifetime management of OCG members: custody, prison and licence conditions, SCPOs, LRO
    training. A layer above disruptions (it records conditions and SCPOs as disruptions); the
    label stays "lifetime" from when it lived in ocg/, so its tables and permissions keep their
    names."""

    name = "kentsoc.lifetime"
    label = "lifetime"
    verbose_name = "Lifetime management"

    def ready(self) -> None:
        # Imported here: the panel and the section read models, not loaded when this module is.
        from kentsoc.lifetime import panels, sections

        panels.register()
        sections.register()
