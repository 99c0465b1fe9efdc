from typing import Any

import pytest
from django.db import transaction

from cairn.core.events import record_event
from cairn.core.models import ActivityEvent


def test_record_event_stores_event_and_runs_consumers_after_commit(
    ecosystem: Any, django_capture_on_commit_callbacks: Any
) -> None:
    organization = ecosystem.partner_a
    assert organization.last_active_at is None

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        transaction.atomic(),
    ):
        event = record_event(
            "organization.viewed",
            actor=ecosystem.partner_a_rep,
            organization_id=organization.pk,
            target=organization,
        )

    assert len(callbacks) == 1
    stored = ActivityEvent.objects.get(pk=event.pk)
    assert stored.verb == "organization.viewed"
    assert stored.target_repr == "Alpha Systems"
    organization.refresh_from_db()
    assert organization.last_active_at == stored.occurred_at


@pytest.mark.django_db(transaction=True)
def test_event_of_rolled_back_transaction_is_not_recorded(ecosystem: Any) -> None:
    def act_then_fail() -> None:
        with transaction.atomic():
            record_event("organization.viewed", actor=None, organization_id=None)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        act_then_fail()

    assert ActivityEvent.objects.count() == 0
