"""The registry of event consumers, read from `config/consumers.py`."""

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Consumer:
    """A function that reacts to activity events whose verb matches a pattern."""

    path: str
    verbs: tuple[str, ...] = ("*",)

    def accepts(self, verb: str) -> bool:
        """Say whether this consumer wants events of `verb`."""
        return any(fnmatch.fnmatchcase(verb, pattern) for pattern in self.verbs)

    def load(self) -> Callable[[Any], None]:
        """Return the consumer function."""
        return import_string(self.path)  # type: ignore[no-any-return]


@cache
def registered_consumers() -> tuple[Consumer, ...]:
    """Return every consumer declared in `config/consumers.py`."""
    from config.consumers import CONSUMERS

    return tuple(CONSUMERS)


def consumers_for(verb: str) -> list[Consumer]:
    """Return the consumers that want events of `verb`."""
    return [consumer for consumer in registered_consumers() if consumer.accepts(verb)]


def consumer_by_path(path: str) -> Consumer | None:
    """Return the registered consumer with this dotted path, if any."""
    return next((c for c in registered_consumers() if c.path == path), None)
