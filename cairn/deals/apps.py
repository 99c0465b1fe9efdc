from django.apps import AppConfig


class DealsConfig(AppConfig):
    name = "cairn.deals"
    label = "deals"
    verbose_name = "Deal registration"
