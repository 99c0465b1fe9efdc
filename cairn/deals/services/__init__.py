"""Every write of deal registration.

Each service runs in one transaction, checks its policy, validates the rows and
records the audit entry and activity event with the write, so that a refused or
invalid write leaves nothing behind.
"""

from cairn.deals.services.conflicts import appeal_conflict, resolve_conflict
from cairn.deals.services.direct import save_direct_opportunity
from cairn.deals.services.registrations import (
    create_draft,
    register_deal,
    submit_registration,
    update_draft,
)
from cairn.deals.services.review import (
    approve_registration,
    escalate_overdue_reviews,
    expire_protection,
    reject_registration,
    remind_expiring_protection,
    request_more_information,
    start_review,
    update_sales_stage,
)

__all__ = [
    "appeal_conflict",
    "approve_registration",
    "create_draft",
    "escalate_overdue_reviews",
    "expire_protection",
    "register_deal",
    "reject_registration",
    "remind_expiring_protection",
    "request_more_information",
    "resolve_conflict",
    "save_direct_opportunity",
    "start_review",
    "submit_registration",
    "update_draft",
    "update_sales_stage",
]
