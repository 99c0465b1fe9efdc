"""Every write of deal registration.

Each service runs in one transaction, checks its policy, validates the rows and
records the audit entry and activity event with the write, so that a refused or
invalid write leaves nothing behind.
"""

from cairn.deals.services.attachments import add_attachment, delete_attachment
from cairn.deals.services.conflicts import appeal_conflict, resolve_conflict
from cairn.deals.services.direct import save_direct_opportunity
from cairn.deals.services.extensions import (
    approve_extension,
    decline_extension,
    request_extension,
)
from cairn.deals.services.fields import update_deal_settings
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
    "add_attachment",
    "appeal_conflict",
    "approve_extension",
    "approve_registration",
    "create_draft",
    "decline_extension",
    "delete_attachment",
    "escalate_overdue_reviews",
    "expire_protection",
    "register_deal",
    "reject_registration",
    "remind_expiring_protection",
    "request_extension",
    "request_more_information",
    "resolve_conflict",
    "save_direct_opportunity",
    "start_review",
    "submit_registration",
    "update_deal_settings",
    "update_draft",
    "update_sales_stage",
]
