"""Writes of LRS clients: create (the secret is shown once), revoke, note use."""

import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cairn.core.audit import record_write, snapshot
from cairn.core.models import AuditAction
from cairn.lrs import policies
from cairn.lrs.choices import ClientScope
from cairn.lrs.models import LRSClient, hash_secret
from cairn.lrs.selectors import forget_cached_clients

# A client's use is written at most this often, so a busy client costs no write per
# request.
USE_RECORD_SECONDS = 60


def authority_for(key: str, name: str) -> dict[str, Any]:
    """Return the Agent recorded as the authority of the client with `key`."""
    return {
        "objectType": "Agent",
        "name": name,
        "account": {"homePage": f"{settings.SITE_URL}/lrs/clients", "name": key},
    }


def create_lrs_client(
    *,
    name: str,
    scopes: Any,
    actor: Any,
    program: Any = None,
    organization: Any = None,
) -> tuple[LRSClient, str]:
    """Create LRS credentials; return the client and its secret, shown only once.

    `actor` None is the operator at the command line (`manage.py lrs_client`).
    """
    if actor is not None and not policies.can_manage_lrs_clients(actor):
        raise PermissionDenied
    name = (name or "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Give the client a name."
    elif len(name) > 100:
        errors["name"] = "At most 100 characters."
    chosen = (
        {str(scope) for scope in scopes}
        if scopes and not isinstance(scopes, str)
        else set()
    )
    if not chosen:
        errors["scopes"] = "Choose at least one scope."
    elif chosen - set(ClientScope.values):
        errors["scopes"] = (
            f"Unknown scopes: {', '.join(sorted(chosen - set(ClientScope.values)))}."
        )
    if program is not None and organization is not None:
        errors["organization"] = (
            "A client belongs to a program or an organization, not both."
        )
    if errors:
        raise ValidationError(errors)
    key = "lrs_" + secrets.token_hex(16)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        client = LRSClient.objects.create(
            name=name,
            key=key,
            secret_hash=hash_secret(secret),
            scopes=sorted(chosen),
            program=program,
            organization=organization,
            authority=authority_for(key, name),
            created_by=actor,
        )
        record_write(
            AuditAction.CREATE,
            client,
            actor=actor,
            organization_id=client.organization_id,
            after=snapshot(client),
            verb="lrs_client.created",
            data={"name": name, "scopes": sorted(chosen)},
        )
    return client, secret


def revoke_lrs_client(client: LRSClient, *, actor: Any) -> LRSClient:
    """Revoke a client at once; revoking twice changes nothing (`actor` None: the
    operator at the command line).
    """
    if actor is not None and not policies.can_manage_lrs_clients(actor):
        raise PermissionDenied
    with transaction.atomic():
        client = LRSClient.objects.select_for_update().get(pk=client.pk)
        if client.revoked_at is not None:
            return client
        before = snapshot(client)
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        record_write(
            AuditAction.UPDATE,
            client,
            actor=actor,
            organization_id=client.organization_id,
            before=before,
            after=snapshot(client),
            verb="lrs_client.revoked",
            data={"name": client.name},
        )
    forget_cached_clients()
    return client


def record_client_use(client: LRSClient) -> None:
    """Note that `client` signed a request now (at most once a minute)."""
    now = timezone.now()
    last = client.last_used_at
    if last is None or (now - last).total_seconds() > USE_RECORD_SECONDS:
        client.last_used_at = now
        LRSClient.objects.filter(pk=client.pk).update(last_used_at=now)


CAIRN_LEARNING_KEY = "cairn-learning"


def cairn_learning_client() -> LRSClient:
    """Return the client Cairn's own courses store their statements as.

    It has no usable secret (a random one nobody sees): only Cairn's code writes
    with it, never a request.
    """
    client = LRSClient.objects.filter(key=CAIRN_LEARNING_KEY).first()
    if client is not None:
        return client
    client, _ = LRSClient.objects.get_or_create(
        key=CAIRN_LEARNING_KEY,
        defaults={
            "name": "Cairn learning",
            "secret_hash": hash_secret(secrets.token_urlsafe(32)),
            "scopes": [ClientScope.STATEMENTS_WRITE],
            "authority": authority_for(CAIRN_LEARNING_KEY, "Cairn learning"),
        },
    )
    return client
