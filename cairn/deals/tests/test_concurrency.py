"""Two partners registering the same customer at the same moment, on real threads
with their own database connections (committed transactions, not a test transaction).

On PostgreSQL the submissions really overlap and the key locks order them; on SQLite
the database runs one write transaction at a time. On both, exactly one conflict is
recorded, the later registration in commit order carries it, and its submission time
is after the earlier's.
"""

import threading
import time
from typing import Any

import pytest
from django.db import connection

from cairn.deals import services
from cairn.deals.models import DealConflict, DealRegistration
from cairn.deals.services import detection
from cairn.deals.tests.support import ACME, ACME_AGAIN, LINES

pytestmark = pytest.mark.django_db(transaction=True)


def _run_together(*calls: Any) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Any) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, call))
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_concurrent_registrations_of_one_customer_are_both_detected(
    ecosystem: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    original_lock_keys = detection.lock_keys

    def slow_lock_keys(keys: set[str]) -> None:
        original_lock_keys(keys)
        # Widen the window between taking the locks and reading the candidates, so
        # that without the locks both submissions would read before either commits.
        time.sleep(0.3)

    monkeypatch.setattr(detection, "lock_keys", slow_lock_keys)

    def submit(actor: Any, values: dict[str, Any]) -> Any:
        return lambda: services.register_deal(
            actor=actor, program=ecosystem.program, lines=LINES, **values
        )

    results = _run_together(
        submit(ecosystem.partner_a_rep, ACME),
        submit(ecosystem.partner_b_rep, ACME_AGAIN),
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    conflict = DealConflict.objects.get()
    earlier: Any = conflict.other_registration
    later: Any = conflict.registration
    assert {earlier.organization_id, later.organization_id} == {
        ecosystem.partner_a.pk,
        ecosystem.partner_b.pk,
    }
    assert earlier.submitted_at < later.submitted_at
    assert DealRegistration.objects.count() == 2


def test_concurrent_double_submit_with_one_key_creates_one_registration(
    ecosystem: Any,
) -> None:
    def submit() -> Any:
        return services.register_deal(
            actor=ecosystem.partner_a_rep,
            program=ecosystem.program,
            lines=LINES,
            idempotency_key="crm-double-click",
            **ACME,
        )

    results = _run_together(submit, submit)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert results[0].pk == results[1].pk
    assert DealRegistration.objects.count() == 1
