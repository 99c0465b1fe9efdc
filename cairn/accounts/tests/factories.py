import datetime
import secrets
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from cairn.accounts.models import ApiToken, Invitation, User, hash_secret
from cairn.core.roles import Role

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    role = Role.PARTNER_REP
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj: Any, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if create:
            obj.save()


def invitation_with_key(**fields: Any) -> tuple[Invitation, str]:
    """Create an invitation row directly; return it with its raw key."""
    raw_key = secrets.token_urlsafe(32)
    now = timezone.now()
    defaults: dict[str, Any] = {
        "email": f"invitee{secrets.token_hex(4)}@example.com",
        "role": Role.PARTNER_REP,
        "created_at": now,
        "expires_at": now + datetime.timedelta(days=14),
    }
    defaults.update(fields)
    invitation = Invitation.objects.create(key_hash=hash_secret(raw_key), **defaults)
    return invitation, raw_key


def api_token_with_secret(user: Any, **fields: Any) -> tuple[ApiToken, str]:
    """Create an API token row directly; return it with its secret."""
    raw = "cairn_" + secrets.token_urlsafe(32)
    defaults: dict[str, Any] = {"name": "Script", "scopes": ["read", "write"]}
    defaults.update(fields)
    token = ApiToken.objects.create(
        user=user, prefix=raw[:12], key_hash=hash_secret(raw), **defaults
    )
    return token, raw
