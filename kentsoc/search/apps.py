from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "kentsoc.search"
    label = "search"
    verbose_name = "Search"
