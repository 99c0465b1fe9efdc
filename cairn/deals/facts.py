"""Turn registrations and direct opportunities into the matcher's DealFacts."""

from typing import Any

from cairn.deals.matching import DealFacts
from cairn.deals.models import DealRegistration, DirectOpportunity


def facts_of_registration(registration: DealRegistration) -> DealFacts:
    """Return the facts of a registration that the conflict matcher compares (with
    its stored normalized name and domains, when it has them).
    """
    return DealFacts(
        registration_id=registration.pk,
        owner_key=f"partner:{registration.organization_id}",
        company_name=registration.customer_name,
        customer_domain=registration.customer_domain,
        contact_email=registration.contact_email,
        country=str(registration.country or ""),
        city=registration.city,
        postal_code=registration.postal_code,
        latitude=registration.latitude,
        longitude=registration.longitude,
        product_codes=frozenset(line.product_code for line in registration.lines.all()),
        expected_close_date=registration.expected_close_date,
        stored_name=registration.match_name,
        stored_domain=registration.match_domain,
        stored_email_domain=registration.match_email_domain,
    )


def facts_of_registration_row(
    row: dict[str, Any], product_codes: frozenset[str]
) -> DealFacts:
    """Return the facts of a registration read as a row of values (its "pk" and
    the fields facts_of_registration reads), for the many candidates of a check.
    """
    return DealFacts(
        registration_id=row["pk"],
        owner_key=f"partner:{row['organization_id']}",
        company_name=row["customer_name"],
        customer_domain=row["customer_domain"],
        contact_email=row["contact_email"],
        country=str(row["country"] or ""),
        city=row["city"],
        postal_code=row["postal_code"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        product_codes=product_codes,
        expected_close_date=row["expected_close_date"],
        stored_name=row["match_name"],
        stored_domain=row["match_domain"],
        stored_email_domain=row["match_email_domain"],
    )


def facts_of_direct_opportunity(opportunity: DirectOpportunity) -> DealFacts:
    """Return the facts of a direct opportunity that the conflict matcher compares."""
    return DealFacts(
        registration_id=f"direct:{opportunity.pk}",
        owner_key="direct",
        company_name=opportunity.company_name,
        customer_domain=opportunity.domain,
        country=str(opportunity.country or ""),
        postal_code=opportunity.postal_code,
        expected_close_date=opportunity.expected_close_date,
    )
