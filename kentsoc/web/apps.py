from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kentsoc.web"
    label = "web"
    verbose_name = "Web"
