import pytest

from cairn.accounts.tests.factories import api_token_with_secret, invitation_with_key
from cairn.core.models import ActivityEvent

pytestmark = pytest.mark.django_db


def test_admin_pages_never_show_secret_hashes(clients, ecosystem):
    invitation, _ = invitation_with_key(organization=ecosystem.partner_a)
    token, _ = api_token_with_secret(ecosystem.partner_a_rep)
    client = clients["vendor_admin"]
    urls = [
        "/admin/accounts/user/",
        f"/admin/accounts/user/{ecosystem.partner_a_rep.pk}/change/",
        "/admin/accounts/user/add/",
        "/admin/accounts/invitation/",
        f"/admin/accounts/invitation/{invitation.pk}/change/",
        "/admin/accounts/apitoken/",
        f"/admin/accounts/apitoken/{token.pk}/change/",
    ]

    for url in urls:
        response = client.get(url)
        text = response.content.decode()
        assert response.status_code == 200, url
        assert token.key_hash not in text
        assert invitation.key_hash not in text


def test_admin_revokes_tokens_through_the_service(clients, ecosystem):
    token, _ = api_token_with_secret(ecosystem.partner_a_rep)

    response = clients["vendor_admin"].post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )

    token.refresh_from_db()
    assert response.status_code == 302
    assert token.revoked_at is not None
    assert list(ActivityEvent.objects.values_list("verb", flat=True)) == [
        "api_token.revoked"
    ]
