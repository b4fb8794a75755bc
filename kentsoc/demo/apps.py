from django.apps import AppConfig


class DemoConfig(AppConfig):
    # The top layer: the demo seeds every app through its services, so nothing imports it.
    name = "kentsoc.demo"
    label = "demo"
    verbose_name = "Demo data"
