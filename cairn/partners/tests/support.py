"""Helpers and constants shared by several test modules of the partners app."""

from typing import Any

JSON = "application/json"
PROBLEM = "application/problem+json"


def _membership(ecosystem: Any, organization_attr: str = "partner_a") -> Any:
    return getattr(ecosystem, organization_attr).memberships.get()


def _profile_form(organization: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "name": organization.name,
        "legal_name": organization.legal_name,
        "website": organization.website,
        "description": "",
        "size": "",
        "street": organization.street,
        "postal_code": organization.postal_code,
        "city": organization.city,
        "state": "",
        "country": str(organization.country),
        "region": organization.region,
        "latitude": "",
        "longitude": "",
        "languages": "",
    }
    return data | changes


def _domains(organization: Any) -> list[str]:
    return sorted(organization.email_domains.values_list("domain", flat=True))
