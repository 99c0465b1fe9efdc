"""Helpers shared by the services of the partners app."""

from collections.abc import Iterable


def check_keys(given: Iterable[str], allowed: Iterable[str], what: str) -> None:
    """Refuse a change of fields a service does not change (a programming error)."""
    unknown = set(given) - set(allowed)
    if unknown:
        raise TypeError(f"{what} has no fields {sorted(unknown)}")
