from django.apps import AppConfig


class DisruptionsConfig(AppConfig):
    name = "disruptions"
    verbose_name = "Disruptions"
