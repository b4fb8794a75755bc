from django.apps import AppConfig


class IntelConfig(AppConfig):
    name = "kentsoc.intel"
    label = "intel"
    verbose_name = "Intelligence"
