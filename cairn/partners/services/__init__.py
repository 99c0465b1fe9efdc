"""Every write of the partners app.

Each service runs in one transaction, checks its policy, validates the whole row,
and records an audit entry and an activity event with the write, so that a refused
or invalid write leaves nothing behind.
"""

from cairn.partners.services.memberships import add_membership, change_membership
from cairn.partners.services.organizations import (
    create_organization,
    normalize_email_domains,
    normalize_languages,
    touch_organization_activity,
    update_organization,
)
from cairn.partners.services.programs import (
    create_program,
    create_tier,
    update_program,
    update_tier,
)

__all__ = [
    "add_membership",
    "change_membership",
    "create_organization",
    "create_program",
    "create_tier",
    "normalize_email_domains",
    "normalize_languages",
    "touch_organization_activity",
    "update_organization",
    "update_program",
    "update_tier",
]
