"""Background jobs of the LRS."""

from django_tasks import task

from cairn.lrs.services.forwarding import forward_statements


@task()
def forward_statements_task() -> int:
    """Send the statements of programs that forward to an external LRS."""
    return forward_statements()
