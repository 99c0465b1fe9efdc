from django.apps import AppConfig


class LrsConfig(AppConfig):
    name = "cairn.lrs"
    label = "lrs"
    verbose_name = "Learning Record Store"

    def ready(self) -> None:
        """Have psycopg parse json columns (statements' payload) with orjson."""
        import orjson
        from psycopg.types.json import set_json_loads

        # Only json columns are parsed by the driver: Django reads jsonb as text.
        set_json_loads(orjson.loads)
