import cairn.lrs.models
from django.db import migrations


def _set_key_collation(collation):
    def run(apps, schema_editor):
        # Only PostgreSQL needs it: SQLite compares text byte by byte already, and a
        # rebuilt table would change nothing. The primary key is rebuilt with it.
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                'ALTER TABLE "lrs_statementkey" ALTER COLUMN "key" '
                f"TYPE varchar(255) COLLATE {collation}"
            )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("lrs", "0007_pending_references"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="statementkey",
                    name="key",
                    field=cairn.lrs.models.KeyField(max_length=255),
                ),
            ],
            database_operations=[
                migrations.RunPython(
                    _set_key_collation('"C"'), _set_key_collation('"default"')
                ),
            ],
        ),
    ]
