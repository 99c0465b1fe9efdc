"""Who may take assessments, hand in and see evidence, evaluate practical
assessments and read item analysis.
"""

from typing import Any

from cairn.core.roles import is_partner_user, is_vendor_admin, is_vendor_staff
from cairn.partners.policies import manages_organization


def can_take_assessments(actor: Any) -> bool:
    """Say whether `actor` takes assessments in the portal (partner people do)."""
    return bool(actor.is_authenticated and is_partner_user(actor))


def can_use_evaluation_console(actor: Any) -> bool:
    """Say whether `actor` reaches the evaluation and item analysis pages."""
    return bool(actor.is_authenticated and is_vendor_staff(actor))


def can_evaluate_attempt(actor: Any, attempt: Any) -> bool:
    """Let vendor admins, and the channel managers who manage the learner's
    organization, grade a practical attempt.
    """
    if is_vendor_admin(actor):
        return True
    organization = attempt.user.organization
    return organization is not None and manages_organization(actor, organization)


def can_view_attempt(actor: Any, attempt: Any) -> bool:
    """Let the learner and those who may evaluate the attempt see it."""
    if not actor.is_authenticated:
        return False
    return bool(attempt.user_id == actor.pk) or can_evaluate_attempt(actor, attempt)


def can_view_item_analysis(actor: Any) -> bool:
    """Let vendor staff read how each question of an assessment performs."""
    return can_use_evaluation_console(actor)
