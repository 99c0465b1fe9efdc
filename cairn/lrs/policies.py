"""Who may manage LRS clients, and what a client's scopes allow."""

from typing import Any

from cairn.core.roles import is_vendor_admin
from cairn.lrs.choices import ClientScope
from cairn.lrs.models import LRSClient

READ_STATEMENTS: set[str] = {
    ClientScope.ALL,
    ClientScope.READ,
    ClientScope.STATEMENTS_READ,
    ClientScope.STATEMENTS_READ_MINE,
}
WRITE_STATEMENTS: set[str] = {ClientScope.ALL, ClientScope.STATEMENTS_WRITE}
READ_STATE: set[str] = {ClientScope.ALL, ClientScope.READ, ClientScope.STATE}
WRITE_STATE: set[str] = {ClientScope.ALL, ClientScope.STATE}
READ_PROFILES: set[str] = {ClientScope.ALL, ClientScope.READ, ClientScope.PROFILE}
WRITE_PROFILES: set[str] = {ClientScope.ALL, ClientScope.PROFILE}
READ_DESCRIPTIONS = READ_STATEMENTS | READ_PROFILES | READ_STATE


def client_has_any_scope(client: LRSClient, scopes: set[str]) -> bool:
    """Say whether `client` holds one of `scopes`."""
    return not scopes.isdisjoint(client.scopes)


def reads_only_own_statements(client: LRSClient) -> bool:
    """Say whether `client` may read only the statements it wrote itself."""
    return not client_has_any_scope(
        client, READ_STATEMENTS - {ClientScope.STATEMENTS_READ_MINE}
    )


def can_manage_lrs_clients(actor: Any) -> bool:
    """Say whether `actor` may see, create and revoke LRS credentials."""
    return bool(actor.is_authenticated and is_vendor_admin(actor))
