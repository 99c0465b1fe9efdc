"""Fixtures of the LRS tests."""

from collections.abc import Iterator

import pytest

from cairn.lrs.selectors import forget_cached_clients


@pytest.fixture(autouse=True)
def _fresh_client_cache() -> Iterator[None]:
    """Start and end every test with no client cached in memory."""
    forget_cached_clients()
    yield
    forget_cached_clients()
