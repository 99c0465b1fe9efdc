"""Conflict detection for deal registration: pure functions, no database access.

`DealFacts` describes a registration; `compare` scores two of them with explained
reasons; `blocking_keys` gives the keys under which a registration is indexed so that
candidates can be fetched by equality. docs/adr/0008-deal-conflict-matching.md explains
the design.
"""

from cairn.deals.matching.blocking import MAX_KEY_LENGTH, blocking_keys
from cairn.deals.matching.domains import (
    company_domain,
    is_free_mail_domain,
    registrable_domain,
)
from cairn.deals.matching.facts import DealFacts, RegistrationId
from cairn.deals.matching.names import company_name_key, normalize_company_name
from cairn.deals.matching.scoring import (
    CONFLICT_THRESHOLD,
    POINTS,
    Match,
    Reason,
    ReasonCode,
    compare,
    find_conflicts,
    is_conflict,
)

__all__ = [
    "CONFLICT_THRESHOLD",
    "MAX_KEY_LENGTH",
    "POINTS",
    "DealFacts",
    "Match",
    "Reason",
    "ReasonCode",
    "RegistrationId",
    "blocking_keys",
    "company_domain",
    "company_name_key",
    "compare",
    "find_conflicts",
    "is_conflict",
    "is_free_mail_domain",
    "normalize_company_name",
    "registrable_domain",
]
