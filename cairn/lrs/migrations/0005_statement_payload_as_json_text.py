import cairn.lrs.models
from django.db import migrations


def _set_payload_type(type_name):
    def run(apps, schema_editor):
        # Only PostgreSQL has a distinct type; elsewhere the column is text already
        # and a rebuilt table would change nothing.
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f'ALTER TABLE "lrs_statement" ALTER COLUMN "payload" TYPE {type_name}'
            )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("lrs", "0004_statement_keys_without_constraint"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="statement",
                    name="payload",
                    field=cairn.lrs.models.JSONTextField(),
                ),
            ],
            database_operations=[
                migrations.RunPython(
                    _set_payload_type("json"), _set_payload_type("jsonb")
                ),
            ],
        ),
    ]
