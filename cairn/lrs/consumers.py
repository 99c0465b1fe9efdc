"""Consumers of activity events owned by the LRS: learning events become xAPI
statements in Cairn's own LRS (see `cairn.lrs.services.learning_statements`).
"""

from cairn.core.models import ActivityEvent
from cairn.lrs.services import learning_statements
from cairn.lrs.services.learning_statements import LEARNING_VERBS, statement_for

__all__ = ["LEARNING_VERBS", "statement_for", "store_learning_statement"]


def store_learning_statement(event: ActivityEvent) -> None:
    """Store the statement of one learning event (once, however often it runs)."""
    learning_statements.store_learning_statement(event)
