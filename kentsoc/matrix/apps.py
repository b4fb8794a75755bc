from django.apps import AppConfig


class MatrixConfig(AppConfig):
    name = "kentsoc.matrix"
    label = "matrix"
    verbose_name = "TRH matrix"
