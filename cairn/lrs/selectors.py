"""Reads of the Learning Record Store that are not statement queries."""

import hmac
import time
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from cairn.lrs import policies
from cairn.lrs.models import LRSClient, StatementForwarding, hash_secret

# Seconds a verified client stays in this process's memory: long enough to spare a
# query per request under load, short enough that a revocation made in another
# process takes effect soon (one made in this process clears it at once).
CLIENT_CACHE_SECONDS = 10.0
_client_cache: dict[str, tuple[float, LRSClient]] = {}


def verify_client(key: str, secret: str) -> LRSClient | None:
    """Return the active client with `key` if `secret` is its secret."""
    now = time.monotonic()
    cached = _client_cache.get(key)
    if cached is not None and cached[0] > now:
        client = cached[1]
    else:
        found = LRSClient.objects.filter(key=key, revoked_at__isnull=True).first()
        if found is None:
            return None
        client = found
        _client_cache[key] = (now + CLIENT_CACHE_SECONDS, client)
    if not hmac.compare_digest(client.secret_hash, hash_secret(secret)):
        return None
    return client


def forget_cached_clients() -> None:
    """Drop every cached client (after a revocation, and between tests)."""
    _client_cache.clear()


def list_lrs_clients_for(actor: Any) -> QuerySet[LRSClient]:
    """Return the clients `actor` may manage (all of them, for a vendor admin)."""
    if not policies.can_manage_lrs_clients(actor):
        return LRSClient.objects.none()
    return LRSClient.objects.select_related("program", "organization")


def access_lrs_client(actor: Any, pk: Any) -> LRSClient:
    """Return the client `pk` if `actor` may manage it; 404 otherwise."""
    client = list_lrs_clients_for(actor).filter(pk=pk).first()
    if client is None:
        raise Http404("No such LRS client.")
    return client


def list_forwardings_for(actor: Any) -> QuerySet[StatementForwarding]:
    """Return the statement forwardings `actor` may manage."""
    if not policies.can_manage_lrs_clients(actor):
        return StatementForwarding.objects.none()
    return StatementForwarding.objects.select_related("program").order_by(
        "program__name"
    )
