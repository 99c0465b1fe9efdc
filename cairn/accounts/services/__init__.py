"""Every write of the accounts app: invitations, membership, roles, profiles, tokens.

Each service checks its policy, runs in one transaction, records an audit entry and an
activity event, and leaves nothing half-written when it refuses.
"""

from cairn.accounts.services.invitations import (
    EXPIRE_BATCH_SIZE,
    InvitationClosedError,
    accept_invitation,
    expire_invitations,
    invitation_url,
    invite_user,
    resend_invitation,
    revoke_invitation,
    sign_up_by_invitation,
)
from cairn.accounts.services.tokens import (
    MAX_ACTIVE_API_TOKENS,
    MAX_API_TOKEN_DAYS,
    create_api_token,
    record_api_token_use,
    revoke_api_token,
)
from cairn.accounts.services.users import (
    change_user_role,
    deactivate_user,
    join_organization_by_domain,
    reactivate_user,
    update_profile,
)

__all__ = [
    "EXPIRE_BATCH_SIZE",
    "MAX_ACTIVE_API_TOKENS",
    "MAX_API_TOKEN_DAYS",
    "InvitationClosedError",
    "accept_invitation",
    "change_user_role",
    "create_api_token",
    "deactivate_user",
    "expire_invitations",
    "invitation_url",
    "invite_user",
    "join_organization_by_domain",
    "reactivate_user",
    "record_api_token_use",
    "resend_invitation",
    "revoke_api_token",
    "revoke_invitation",
    "sign_up_by_invitation",
    "update_profile",
]
