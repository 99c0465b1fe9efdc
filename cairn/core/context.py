"""Where the current code runs on behalf of: the request (or task, or command)."""

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    """Describe where a write comes from, for the audit log."""

    channel: str = "system"
    ip_address: str | None = None
    user_agent: str = ""
    request_id: str = ""


# Origin is frozen, so the shared default cannot be mutated.
_current_origin: contextvars.ContextVar[Origin] = contextvars.ContextVar(
    "cairn_origin",
    default=Origin(),  # noqa: B039
)


def current_origin() -> Origin:
    """Return the origin of the code that runs now."""
    return _current_origin.get()


def set_origin(origin: Origin) -> contextvars.Token[Origin]:
    """Make `origin` current until the token is reset."""
    return _current_origin.set(origin)


def reset_origin(token: contextvars.Token[Origin]) -> None:
    """Restore the origin that was current before `set_origin`."""
    _current_origin.reset(token)
