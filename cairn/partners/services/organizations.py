"""Writes of partner organizations: profile, specializations, email domains."""

import datetime
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from cairn.core.audit import record_update, record_write, snapshot
from cairn.core.models import AuditAction
from cairn.partners import policies
from cairn.partners.models import (
    ORGANIZATION_PROFILE_FIELDS,
    OrganizationEmailDomain,
    PartnerOrganization,
)
from cairn.partners.services._common import check_keys

ORGANIZATION_RELATIONS = frozenset({"specializations", "industries"})
EMAIL_DOMAINS = "email_domains"
ORGANIZATION_FIELDS = (
    frozenset(ORGANIZATION_PROFILE_FIELDS) - ORGANIZATION_RELATIONS - {EMAIL_DOMAINS}
)


_DOMAIN = re.compile(
    r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
# Domains of public mailbox providers: joining by domain through one of them would let
# anyone with a free address into the organization.
PUBLIC_EMAIL_DOMAINS = frozenset(
    {
        "163.com",
        "aol.com",
        "gmail.com",
        "gmx.de",
        "gmx.net",
        "googlemail.com",
        "hotmail.com",
        "icloud.com",
        "live.com",
        "mail.com",
        "me.com",
        "outlook.com",
        "proton.me",
        "protonmail.com",
        "qq.com",
        "web.de",
        "yahoo.com",
        "yandex.ru",
    }
)


def touch_organization_activity(organization_id: int, *, at: datetime.datetime) -> None:
    """Move the organization's last activity time forward to `at`."""
    PartnerOrganization.objects.filter(pk=organization_id).filter(
        Q(last_active_at__isnull=True) | Q(last_active_at__lt=at)
    ).update(last_active_at=at)


def normalize_email_domains(values: Iterable[str]) -> list[str]:
    """Return the domains lowercased, without a leading @, deduplicated and sorted.

    Raise a ValidationError on `email_domains` for a malformed or public domain.
    """
    domains: set[str] = set()
    for value in values:
        domain = str(value).strip().lower().lstrip("@").rstrip(".")
        if not domain:
            continue
        if not _DOMAIN.match(domain):
            raise ValidationError({EMAIL_DOMAINS: f"“{domain}” is not a domain name."})
        if domain in PUBLIC_EMAIL_DOMAINS:
            raise ValidationError(
                {EMAIL_DOMAINS: f"{domain} is a public mail provider, not a company's."}
            )
        domains.add(domain)
    return sorted(domains)


def normalize_languages(values: Iterable[str]) -> list[str]:
    """Return language codes lowercased and deduplicated, in the order given."""
    languages: list[str] = []
    for value in values:
        code = str(value).strip().lower().replace("_", "-")
        if not code:
            continue
        if not _LANGUAGE.match(code):
            raise ValidationError({"languages": f"“{code}” is not a language code."})
        if code not in languages:
            languages.append(code)
    return languages


def _organization_state(organization: PartnerOrganization) -> dict[str, Any]:
    fields = [field.name for field in PartnerOrganization._meta.concrete_fields]
    state = snapshot(organization, [*fields, *ORGANIZATION_RELATIONS])
    state["country"] = str(organization.country or "")  # a Country object, not JSON
    state[EMAIL_DOMAINS] = sorted(
        organization.email_domains.values_list("domain", flat=True)
    )
    return state


def _set_email_domains(
    organization: PartnerOrganization, values: Iterable[str]
) -> None:
    domains = normalize_email_domains(values)
    taken = sorted(
        OrganizationEmailDomain.objects.filter(domain__in=domains)
        .exclude(organization=organization)
        .values_list("domain", flat=True)
    )
    if taken:
        raise ValidationError(
            {EMAIL_DOMAINS: f"{', '.join(taken)} belongs to another organization."}
        )
    organization.email_domains.exclude(domain__in=domains).delete()
    existing = set(organization.email_domains.values_list("domain", flat=True))
    try:
        # A savepoint: a domain claimed concurrently must not break the transaction.
        with transaction.atomic():
            OrganizationEmailDomain.objects.bulk_create(
                OrganizationEmailDomain(organization=organization, domain=domain)
                for domain in domains
                if domain not in existing
            )
    except IntegrityError as error:
        raise ValidationError(
            {EMAIL_DOMAINS: "One of these domains belongs to another organization."}
        ) from error


def _apply_organization_fields(
    organization: PartnerOrganization, fields: Mapping[str, Any]
) -> None:
    for name, given in fields.items():
        value = given
        if name == "languages":
            value = normalize_languages(given or [])
        elif given is None and name not in {"latitude", "longitude"}:
            value = ""  # text fields store "" for nothing, never NULL
        setattr(organization, name, value)


def create_organization(*, actor: Any, **fields: Any) -> PartnerOrganization:
    """Add a partner organization with its specializations and email domains."""
    check_keys(fields, ORGANIZATION_PROFILE_FIELDS, "organization")
    with transaction.atomic():
        if not policies.can_create_organization(actor):
            raise PermissionDenied
        domains = fields.pop(EMAIL_DOMAINS, [])
        relations = {
            name: fields.pop(name) for name in ORGANIZATION_RELATIONS if name in fields
        }
        organization = PartnerOrganization()
        _apply_organization_fields(organization, fields)
        organization.full_clean()
        organization.save()
        for name, values in relations.items():
            getattr(organization, name).set(values)
        _set_email_domains(organization, domains)
        record_write(
            AuditAction.CREATE,
            organization,
            actor=actor,
            organization_id=organization.pk,
            after=_organization_state(organization),
            verb="organization.created",
            data={"name": organization.name},
        )
    return organization


def update_organization(
    organization: PartnerOrganization, *, actor: Any, **changes: Any
) -> PartnerOrganization:
    """Change an organization's profile, specializations and email domains.

    Email domains decide who may join the organization, so only vendor staff who may
    change the organization change them.
    """
    check_keys(changes, ORGANIZATION_PROFILE_FIELDS, "organization")
    with transaction.atomic():
        organization = PartnerOrganization.objects.select_for_update(of=("self",)).get(
            pk=organization.pk
        )
        if not policies.can_update_organization(actor, organization):
            raise PermissionDenied
        if EMAIL_DOMAINS in changes and not policies.can_change_email_domains(
            actor, organization
        ):
            raise PermissionDenied
        before = _organization_state(organization)
        fields = {
            key: value for key, value in changes.items() if key in ORGANIZATION_FIELDS
        }
        _apply_organization_fields(organization, fields)
        organization.full_clean()
        organization.save()
        for name in ORGANIZATION_RELATIONS & set(changes):
            getattr(organization, name).set(changes[name])
        if EMAIL_DOMAINS in changes:
            _set_email_domains(organization, changes[EMAIL_DOMAINS])
        record_update(
            organization,
            actor=actor,
            organization_id=organization.pk,
            before=before,
            after=_organization_state(organization),
            verb="organization.updated",
        )
    return organization
