"""Background tasks of the accounts app."""

from django_tasks import task

from cairn.accounts import services


@task()
def expire_invitations_task() -> int:
    """Close invitations that passed their expiry; return how many were closed."""
    return services.expire_invitations()
