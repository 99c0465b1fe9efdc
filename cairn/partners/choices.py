from django.db import models


class PartnerType(models.TextChoices):
    RESELLER = "reseller", "Reseller"
    SYSTEMS_INTEGRATOR = "systems_integrator", "Systems integrator"
    MSP = "msp", "Managed service provider"
    REFERRAL = "referral", "Referral partner"
    DISTRIBUTOR = "distributor", "Distributor"
    ISV = "isv", "Technology partner (ISV)"


class MembershipStatus(models.TextChoices):
    APPLIED = "applied", "Applied"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    ENDED = "ended", "Ended"


class Region(models.TextChoices):
    NORTH_AMERICA = "na", "North America"
    LATIN_AMERICA = "latam", "Latin America"
    EMEA = "emea", "Europe, Middle East and Africa"
    APAC = "apac", "Asia Pacific"


class OrganizationSize(models.TextChoices):
    # Labels use the en dash of number ranges.
    MICRO = "1-10", "1–10 employees"  # noqa: RUF001
    SMALL = "11-50", "11–50 employees"  # noqa: RUF001
    MEDIUM = "51-200", "51–200 employees"  # noqa: RUF001
    LARGE = "201-1000", "201–1,000 employees"  # noqa: RUF001
    ENTERPRISE = "1000+", "More than 1,000 employees"


# Allowed transitions of a program membership; anything else is refused.
MEMBERSHIP_TRANSITIONS: dict[str, frozenset[str]] = {
    MembershipStatus.APPLIED: frozenset(
        {MembershipStatus.ACTIVE, MembershipStatus.ENDED}
    ),
    MembershipStatus.ACTIVE: frozenset(
        {MembershipStatus.SUSPENDED, MembershipStatus.ENDED}
    ),
    MembershipStatus.SUSPENDED: frozenset(
        {MembershipStatus.ACTIVE, MembershipStatus.ENDED}
    ),
    MembershipStatus.ENDED: frozenset({MembershipStatus.ACTIVE}),
}
