"""Errors raised by the xAPI data-model layer.

Every error carries the HTTP status the LRS answers with and the JSON path of the
offending field, so the API layer can render an RFC 9457 problem without guessing.
"""

from __future__ import annotations


class XAPIError(Exception):
    """A request or statement the LRS refuses.

    ``message`` is human-readable and starts with the field path
    (``"actor.mbox: must be a mailto: IRI"``); ``path`` is the path alone.
    """

    status: int = 400

    def __init__(self, message: str, *, path: str = "", status: int | None = None):
        """Build the error; ``message`` is prefixed with ``path`` when given."""
        self.path = path
        self.message = f"{path}: {message}" if path else message
        if status is not None:
            self.status = status
        super().__init__(self.message)


class BadRequestError(XAPIError):
    """400: the statement or parameter does not conform to the specification."""

    status = 400


class ForbiddenError(XAPIError):
    """403: the credentials may not perform this action."""

    status = 403


class NotFoundError(XAPIError):
    """404: the requested resource does not exist."""

    status = 404


class ConflictError(XAPIError):
    """409: a statement with this id exists with different content."""

    status = 409


class PreconditionFailedError(XAPIError):
    """412: the document's ETag does not match the request's precondition."""

    status = 412


class PayloadTooLargeError(XAPIError):
    """413: the request body exceeds the LRS's limit."""

    status = 413
