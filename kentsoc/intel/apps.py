from django.apps import AppConfig


class IntelConfig(AppConfig):
    name = "kentsoc.intel"
    label = "intel"
    verbose_name = "Intelligence"

    def ready(self) -> None:
        # Intel sits above the subjects: from here it tells them what their definition lacks
        # and adds its sections to their pages.
        from kentsoc.intel import gangs, sections, selectors

        selectors.provide_definition_hooks()
        sections.register_sections()
        gangs.provide()
