"""A partner organization as the generator plans it, before and after it is saved."""

import datetime
from dataclasses import dataclass, field

from cairn.accounts.models import User
from cairn.demo import data
from cairn.partners.models import (
    Industry,
    PartnerOrganization,
    ProgramMembership,
    Specialization,
)


@dataclass
class PlannedOrganization:
    """An organization with everything the generator decides about it."""

    obj: PartnerOrganization
    city: data.City
    country: data.Country
    domain: str
    nature: str
    email_style: str
    # (when, verb) of what its users did in the last 90 days, oldest first.
    activity: list[tuple[datetime.datetime, str]]
    specializations: list[Specialization]
    industries: list[Industry]
    memberships: list[ProgramMembership] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    # The activity with its actors, once the users exist.
    plan: list[tuple[datetime.datetime, str, User]] = field(default_factory=list)
