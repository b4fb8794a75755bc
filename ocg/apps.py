from django.apps import AppConfig


class OcgConfig(AppConfig):
    name = "ocg"
    verbose_name = "Organised crime groups"
