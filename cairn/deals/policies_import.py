"""Who may import deal registrations and the vendor's direct pipeline from CSV."""

from typing import Any

from cairn.core import roles
from cairn.deals import policies


def can_import_registrations(actor: Any, program: Any = None) -> bool:
    """Let partner users import registrations into their own organization; with a
    program, only one their organization is an active member of (as for one
    registration typed in).
    """
    if program is None:
        return roles.is_partner_user(actor)
    return policies.can_register_deal(actor, program)


def can_import_direct_pipeline(actor: Any) -> bool:
    """Let those who may write the direct pipeline through the API (vendor admins)
    import it.
    """
    return policies.can_manage_direct_pipeline(actor)


def can_commit_import(actor: Any, run: Any) -> bool:
    """Let the person who uploaded a validated file commit it, once."""
    from cairn.deals.models_import import ImportKind, ImportStatus

    if run.created_by_id != getattr(actor, "pk", None):
        return False
    if run.status != ImportStatus.VALIDATED:
        return False
    if run.kind == ImportKind.DIRECT_PIPELINE:
        return can_import_direct_pipeline(actor)
    return can_import_registrations(actor, run.program)
