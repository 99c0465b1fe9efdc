"""Scoped reads of programs, tiers, partner organizations and their memberships.

Every function takes the actor and reads through `visible_to(actor)`; single objects
come through `access_<noun>`, which answers NotFound alike for missing and invisible
rows.
"""

from cairn.partners.selectors.pages import (
    ConsoleOverview,
    Contact,
    LabelledCount,
    MembershipRow,
    NextStep,
    OrganizationDetail,
    PartnerHome,
    ProgramDetail,
    ProgramRow,
    TierRow,
    console_overview_for,
    missing_profile_fields,
    my_organization_for,
    organization_detail_for,
    partner_home_for,
    program_detail_for,
    program_rows_for,
)
from cairn.partners.selectors.scoped import (
    access_membership,
    access_organization,
    access_own_organization,
    access_program,
    access_tier,
    channel_manager_choices,
    list_countries_for,
    list_memberships_for,
    list_organization_profiles_for,
    list_organizations_for,
    list_programs_for,
    list_tiers_for,
    programs_to_add_for,
)

__all__ = [
    "ConsoleOverview",
    "Contact",
    "LabelledCount",
    "MembershipRow",
    "NextStep",
    "OrganizationDetail",
    "PartnerHome",
    "ProgramDetail",
    "ProgramRow",
    "TierRow",
    "access_membership",
    "access_organization",
    "access_own_organization",
    "access_program",
    "access_tier",
    "channel_manager_choices",
    "console_overview_for",
    "list_countries_for",
    "list_memberships_for",
    "list_organization_profiles_for",
    "list_organizations_for",
    "list_programs_for",
    "list_tiers_for",
    "missing_profile_fields",
    "my_organization_for",
    "organization_detail_for",
    "partner_home_for",
    "program_detail_for",
    "program_rows_for",
    "programs_to_add_for",
]
