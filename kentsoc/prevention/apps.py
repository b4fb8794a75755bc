from django.apps import AppConfig


class PreventionConfig(AppConfig):
    """CLIOs' prevention work: school sessions and street-group interventions. Above the gangs
    (an intervention works with a gang or street group) and below intelligence."""

    name = "kentsoc.prevention"
    label = "prevention"
    verbose_name = "Prevention work"

    def ready(self) -> None:
        # Imported here: the panel reads models, not loaded when this module is.
        from kentsoc.prevention import panels

        panels.register()
