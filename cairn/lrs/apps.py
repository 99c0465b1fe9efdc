from django.apps import AppConfig


class LrsConfig(AppConfig):
    name = "cairn.lrs"
    label = "lrs"
    verbose_name = "Learning Record Store"
