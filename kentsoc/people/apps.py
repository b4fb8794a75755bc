from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """People across every app: likely duplicates and merging two records of one person (issue
    17). A layer above lifetime, beside the site-wide search, because a merge moves whatever
    points at a person, in every app below it."""

    name = "kentsoc.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        # Imported here: the panel reads models, not loaded when this module is.
        from kentsoc.people import panels

        panels.register()
