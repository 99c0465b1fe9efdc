"""Helpers shared by the services of the partners app."""

from collections.abc import Iterable, Mapping
from typing import Any


def check_keys(given: Iterable[str], allowed: Iterable[str], what: str) -> None:
    """Refuse a change of fields a service does not change (a programming error)."""
    unknown = set(given) - set(allowed)
    if unknown:
        raise TypeError(f"{what} has no fields {sorted(unknown)}")


def changed_keys(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Name the fields whose value differs, ignoring the modification time."""
    return sorted(
        key for key in after if key != "updated_at" and before.get(key) != after[key]
    )
