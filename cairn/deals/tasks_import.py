"""Background task of the CSV imports: write a large file claimed for import."""

from django_tasks import task

from cairn.deals.services import imports


@task()
def import_file_task(run_id: int) -> int:
    """Write the rows of a claimed import; return how many were written."""
    run = imports.run_queued_import(run_id)
    if run is None:
        return 0
    return run.created_rows + run.updated_rows + run.unchanged_rows
