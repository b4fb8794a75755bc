from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kentsoc.web"
    label = "web"
    verbose_name = "Web"

    def ready(self) -> None:
        from kentsoc.web import strict_text

        strict_text.install()
