from django.apps import AppConfig


class GangsConfig(AppConfig):
    name = "kentsoc.gangs"
    label = "gangs"
    verbose_name = "Gangs and street groups"
