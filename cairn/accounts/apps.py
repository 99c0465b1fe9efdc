from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cairn.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Registers the token scheme with drf-spectacular before any schema is built.
        from cairn.accounts.api import schema  # noqa: F401
