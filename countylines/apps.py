from django.apps import AppConfig


class CountyLinesConfig(AppConfig):
    name = "countylines"
    verbose_name = "County lines"
