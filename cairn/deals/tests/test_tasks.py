import datetime
from typing import Any

import time_machine

from cairn.deals import services, tasks
from cairn.deals.choices import RegistrationStatus
from cairn.deals.tests.support import MONDAY, register


def test_scheduled_tasks_run_their_services(ecosystem: Any) -> None:
    with time_machine.travel(MONDAY, tick=False):
        pending = register(ecosystem, ecosystem.partner_a_rep)
        approved = register(
            ecosystem,
            ecosystem.partner_b_rep,
            customer_name="Other Customer",
            customer_domain="other-customer.example",
            contact_email="x@other-customer.example",
        )
        services.approve_registration(approved, actor=ecosystem.vendor_admin)

    with time_machine.travel(MONDAY + datetime.timedelta(days=80), tick=False):
        assert tasks.escalate_overdue_reviews_task.enqueue().return_value == 1
        assert tasks.remind_expiring_protection_task.enqueue().return_value == 1
    with time_machine.travel(MONDAY + datetime.timedelta(days=90), tick=False):
        assert tasks.expire_protection_task.enqueue().return_value == 1

    pending.refresh_from_db()
    approved.refresh_from_db()
    assert pending.escalated_at == MONDAY + datetime.timedelta(days=80)
    assert approved.status == RegistrationStatus.EXPIRED
