from django.apps import AppConfig


class MatrixConfig(AppConfig):
    name = "kentsoc.matrix"
    label = "matrix"
    verbose_name = "TRH matrix"

    def ready(self) -> None:
        # Subjects send the rescore task by name (kentsoc.broker.mark_stale); registering it in
        # every process lets eager mode (the demo, the tests) run it inline.
        from kentsoc.matrix import tasks  # noqa: F401
        from kentsoc.matrix.panels import analyst_panel
        from kentsoc.matrix.subjects import provide_hooks
        from kentsoc.web.home import register_panel

        # OCG and county-line pages show scores and ranks through hooks the matrix provides.
        provide_hooks()
        register_panel(analyst_panel)
