import datetime

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from cairn.accounts.models import ApiToken, Invitation, User, hash_secret
from cairn.accounts.tests.factories import (
    UserFactory,
    api_token_with_secret,
    invitation_with_key,
)
from cairn.core.models import ActivityEvent
from cairn.core.roles import Role

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _bearer(raw: str, **extra) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"}, **extra)


def _emails(response) -> set[str]:
    return {row["email"] for row in response.json()["results"]}


# users -------------------------------------------------------------------------


def test_users_are_scoped_to_the_actor(clients):
    assert _emails(clients["partner_b_rep"].get("/api/v1/users/")) == {
        "bo@beta.example"
    }
    assert _emails(clients["partner_a_rep"].get("/api/v1/users/")) == {
        "ada@alpha.example",
        "rex@alpha.example",
        "sam@alpha.example",
    }
    assert clients["vendor_admin"].get("/api/v1/users/").json()["count"] == 7


def test_users_filters_and_search(clients, ecosystem):
    client = clients["vendor_admin"]
    UserFactory.create(
        email="gone@alpha.example",
        # A fixed name: a generated one could contain "Casey", searched for below.
        full_name="Gwen Gone",
        organization=ecosystem.partner_a,
        is_active=False,
    )

    assert _emails(client.get("/api/v1/users/?role=channel_manager")) == {
        "cm@vendor.example"
    }
    assert _emails(
        client.get(f"/api/v1/users/?organization={ecosystem.partner_b.pk}")
    ) == {"bo@beta.example"}
    assert _emails(client.get("/api/v1/users/?is_active=false")) == {
        "gone@alpha.example"
    }
    assert _emails(client.get("/api/v1/users/?search=Casey")) == {"cm@vendor.example"}
    assert client.get("/api/v1/users/?role=overlord").status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        "?search=%00",
        "?organization=99999999999999999999",
        "?organization=x",
        "?is_active=maybe",
        "?ordering=password",
        "?page=999",
    ],
)
def test_bad_list_parameters_never_fail(clients, query):
    response = clients["vendor_admin"].get("/api/v1/users/" + query)

    assert response.status_code in {200, 400, 404}


def test_out_of_range_ids_are_not_found(clients):
    huge = "99999999999999999999"

    assert clients["vendor_admin"].get(f"/api/v1/users/{huge}/").status_code == 404
    assert clients["vendor_admin"].get(f"/api/v1/tokens/{huge}/").status_code == 404
    response = clients["vendor_admin"].post(
        "/api/v1/invitations/",
        {"email": "x@example.com", "role": "partner_rep", "organization": int(huge)},
        content_type=JSON,
    )
    assert response.status_code == 400


def test_user_detail_of_another_partner_is_not_found(clients, ecosystem):
    response = clients["partner_b_rep"].get(
        f"/api/v1/users/{ecosystem.partner_a_rep.pk}/"
    )

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_user_detail_shape(clients, ecosystem):
    response = clients["partner_a_rep"].get(
        f"/api/v1/users/{ecosystem.partner_a_admin.pk}/"
    )

    body = response.json()
    assert response.status_code == 200
    assert set(body) == {
        "id",
        "email",
        "full_name",
        "job_title",
        "role",
        "organization",
        "organization_name",
        "is_active",
        "last_login",
        "date_joined",
    }
    assert (body["email"], body["role"], body["organization_name"]) == (
        "ada@alpha.example",
        "partner_admin",
        "Alpha Systems",
    )


def test_me_is_the_signed_in_user(clients):
    response = clients["partner_a_second_rep"].get("/api/v1/users/me/")

    assert response.status_code == 200
    assert response.json()["email"] == "sam@alpha.example"


def test_me_works_for_someone_without_an_organization_yet(db):
    client = Client()
    client.force_login(UserFactory.create(email="lonely@example.com", role=""))

    response = client.get("/api/v1/users/me/")

    assert response.status_code == 200
    assert response.json()["organization"] is None


def test_partner_admin_changes_a_reps_role(clients, ecosystem):
    response = clients["partner_a_admin"].patch(
        f"/api/v1/users/{ecosystem.partner_a_rep.pk}/",
        {"role": "partner_admin"},
        content_type=JSON,
    )

    assert response.status_code == 200
    assert response.json()["role"] == "partner_admin"
    ecosystem.partner_a_rep.refresh_from_db()
    assert ecosystem.partner_a_rep.role == Role.PARTNER_ADMIN


def test_a_rep_cannot_change_roles_and_nothing_changes(clients, ecosystem):
    response = clients["partner_a_rep"].patch(
        f"/api/v1/users/{ecosystem.partner_a_second_rep.pk}/",
        {"role": "partner_admin", "is_active": False},
        content_type=JSON,
    )

    assert response.status_code == 403
    ecosystem.partner_a_second_rep.refresh_from_db()
    assert ecosystem.partner_a_second_rep.role == Role.PARTNER_REP
    assert ecosystem.partner_a_second_rep.is_active is True
    assert not ActivityEvent.objects.exists()


def test_demoting_the_last_admin_answers_a_field_error(clients, ecosystem):
    response = clients["vendor_admin"].patch(
        f"/api/v1/users/{ecosystem.partner_a_admin.pk}/",
        {"role": "partner_rep"},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert [error["pointer"] for error in response.json()["errors"]] == ["/role"]
    ecosystem.partner_a_admin.refresh_from_db()
    assert ecosystem.partner_a_admin.role == Role.PARTNER_ADMIN


def test_role_and_deactivation_in_one_request(clients, ecosystem):
    response = clients["partner_a_admin"].patch(
        f"/api/v1/users/{ecosystem.partner_a_rep.pk}/",
        {"role": "partner_admin", "is_active": False},
        content_type=JSON,
    )

    assert response.status_code == 200
    ecosystem.partner_a_rep.refresh_from_db()
    assert (ecosystem.partner_a_rep.role, ecosystem.partner_a_rep.is_active) == (
        "partner_admin",
        False,
    )


def test_patch_needs_a_change_and_a_known_role(clients, ecosystem):
    url = f"/api/v1/users/{ecosystem.partner_a_rep.pk}/"

    empty = clients["partner_a_admin"].patch(url, {}, content_type=JSON)
    unknown = clients["partner_a_admin"].patch(url, {"role": "king"}, content_type=JSON)

    assert (empty.status_code, unknown.status_code) == (400, 400)


def test_users_cannot_be_replaced_or_deleted(clients, ecosystem):
    url = f"/api/v1/users/{ecosystem.partner_a_rep.pk}/"

    assert clients["vendor_admin"].put(url, {}, content_type=JSON).status_code == 405
    assert clients["vendor_admin"].delete(url).status_code == 405


def test_the_user_list_makes_a_bounded_number_of_queries(
    clients, ecosystem, django_assert_max_num_queries
):
    for index in range(30):
        UserFactory.create(
            email=f"many{index}@alpha.example", organization=ecosystem.partner_a
        )

    with django_assert_max_num_queries(8):
        response = clients["vendor_admin"].get("/api/v1/users/")

    assert response.json()["count"] == 37


# invitations ---------------------------------------------------------------------


def test_partner_admin_invites_through_the_api(
    clients, ecosystem, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = clients["partner_a_admin"].post(
            "/api/v1/invitations/",
            {"email": "new@alpha.example", "role": "partner_rep"},
            content_type=JSON,
        )

    assert response.status_code == 201
    body = response.json()
    assert (body["email"], body["organization"], body["status"]) == (
        "new@alpha.example",
        ecosystem.partner_a.pk,
        "pending",
    )
    assert not {"key", "key_hash", "token"} & set(body)
    assert len(mail.outbox) == 1


def test_inviting_into_an_invisible_organization_is_a_field_error(clients, ecosystem):
    response = clients["partner_a_admin"].post(
        "/api/v1/invitations/",
        {
            "email": "new@beta.example",
            "role": "partner_rep",
            "organization": ecosystem.partner_b.pk,
        },
        content_type=JSON,
    )

    assert response.status_code == 400
    assert [error["pointer"] for error in response.json()["errors"]] == [
        "/organization"
    ]
    assert not Invitation.objects.exists()


def test_a_rep_cannot_invite(clients):
    response = clients["partner_a_rep"].post(
        "/api/v1/invitations/",
        {"email": "new@alpha.example", "role": "partner_rep"},
        content_type=JSON,
    )

    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_vendor_admin_invites_staff_and_a_duplicate_is_a_field_error(clients):
    payload = {"email": "cm2@vendor.example", "role": "channel_manager"}

    first = clients["vendor_admin"].post(
        "/api/v1/invitations/", payload, content_type=JSON
    )
    second = clients["vendor_admin"].post(
        "/api/v1/invitations/", payload, content_type=JSON
    )

    assert first.status_code == 201
    assert first.json()["organization"] is None
    assert second.status_code == 400
    assert [error["pointer"] for error in second.json()["errors"]] == ["/email"]


def test_invitation_list_is_scoped(clients, ecosystem):
    invitation_with_key(organization=ecosystem.partner_a)
    invitation_with_key(organization=ecosystem.partner_b)

    assert clients["partner_a_admin"].get("/api/v1/invitations/").json()["count"] == 1
    assert clients["partner_a_rep"].get("/api/v1/invitations/").json()["count"] == 0
    assert clients["channel_manager"].get("/api/v1/invitations/").json()["count"] == 2


def test_delete_revokes_and_resend_renews(clients, ecosystem):
    invitation, raw_key = invitation_with_key(organization=ecosystem.partner_a)
    url = f"/api/v1/invitations/{invitation.pk}/"

    resent = clients["partner_a_admin"].post(url + "resend/")
    invitation.refresh_from_db()
    assert resent.status_code == 200
    assert invitation.key_hash != hash_secret(raw_key)

    deleted = clients["partner_a_admin"].delete(url)
    invitation.refresh_from_db()
    assert deleted.status_code == 204
    assert invitation.status == "revoked"

    again = clients["partner_a_admin"].post(url + "resend/")
    assert again.status_code == 400


def test_a_rep_cannot_revoke(clients, ecosystem):
    invitation, _ = invitation_with_key(organization=ecosystem.partner_a)

    response = clients["partner_a_rep"].delete(f"/api/v1/invitations/{invitation.pk}/")

    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


# tokens --------------------------------------------------------------------------


def test_create_token_shows_the_secret_once(clients):
    client = clients["partner_a_rep"]

    created = client.post(
        "/api/v1/tokens/",
        {"name": "CRM sync", "scopes": ["read"], "expires_in_days": 7},
        content_type=JSON,
    )
    listed = client.get("/api/v1/tokens/")
    detail = client.get(f"/api/v1/tokens/{created.json()['id']}/")

    assert created.status_code == 201
    secret = created.json()["token"]
    assert secret.startswith("cairn_")
    assert created.json()["prefix"] == secret[:12]
    assert secret not in listed.content.decode()
    assert secret not in detail.content.decode()
    assert "token" not in detail.json()
    assert ApiToken.objects.get().key_hash == hash_secret(secret)


def test_create_token_validates(clients):
    response = clients["partner_a_rep"].post(
        "/api/v1/tokens/",
        {"name": "", "scopes": ["root"], "expires_in_days": 0},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert sorted(error["pointer"] for error in response.json()["errors"]) == [
        "/expires_in_days",
        "/name",
        "/scopes/0",
    ]


def test_tokens_are_personal(clients, ecosystem):
    token, _ = api_token_with_secret(ecosystem.partner_a_rep)

    assert clients["partner_a_admin"].get("/api/v1/tokens/").json()["count"] == 0
    deleted = clients["partner_a_admin"].delete(f"/api/v1/tokens/{token.pk}/")
    assert deleted.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_delete_revokes_a_token_and_it_stops_working(clients, ecosystem):
    token, raw = api_token_with_secret(ecosystem.partner_a_rep)

    response = clients["partner_a_rep"].delete(f"/api/v1/tokens/{token.pk}/")

    assert response.status_code == 204
    assert _bearer(raw).get("/api/v1/users/me/").status_code == 401


# token authentication -----------------------------------------------------------


def test_a_token_authenticates_and_records_its_last_use(ecosystem):
    token, raw = api_token_with_secret(ecosystem.partner_a_rep, scopes=["read"])

    response = _bearer(raw, REMOTE_ADDR="203.0.113.9").get("/api/v1/users/me/")

    assert response.status_code == 200
    assert response.json()["email"] == "rex@alpha.example"
    token.refresh_from_db()
    assert token.last_used_ip == "203.0.113.9"
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < datetime.timedelta(seconds=10)


def test_a_read_token_cannot_write(ecosystem):
    _, raw = api_token_with_secret(ecosystem.partner_a_admin, scopes=["read"])

    response = _bearer(raw).patch(
        f"/api/v1/users/{ecosystem.partner_a_rep.pk}/",
        {"role": "partner_admin"},
        content_type=JSON,
    )

    assert response.status_code == 403
    ecosystem.partner_a_rep.refresh_from_db()
    assert ecosystem.partner_a_rep.role == Role.PARTNER_REP


def test_a_write_token_writes(ecosystem):
    _, raw = api_token_with_secret(ecosystem.partner_a_admin, scopes=["write"])

    response = _bearer(raw).patch(
        f"/api/v1/users/{ecosystem.partner_a_rep.pk}/",
        {"role": "partner_admin"},
        content_type=JSON,
    )

    assert response.status_code == 200


@pytest.mark.parametrize(
    "fields",
    [
        {"revoked_at": timezone.now()},
        {"expires_at": timezone.now() - datetime.timedelta(seconds=1)},
    ],
    ids=["revoked", "expired"],
)
def test_revoked_and_expired_tokens_are_refused(ecosystem, fields):
    token, raw = api_token_with_secret(ecosystem.partner_a_rep, **fields)

    response = _bearer(raw).get("/api/v1/users/me/")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    token.refresh_from_db()
    assert token.last_used_at is None


def test_a_deactivated_users_token_is_refused(ecosystem):
    _, raw = api_token_with_secret(ecosystem.partner_a_rep)
    User.objects.filter(pk=ecosystem.partner_a_rep.pk).update(is_active=False)

    assert _bearer(raw).get("/api/v1/users/me/").status_code == 401


@pytest.mark.parametrize(
    "header", ["Bearer nope", "Bearer cairn_unknown", "Bearer", "Token a b"]
)
def test_bad_tokens_are_refused(db, header):
    response = Client(headers={"Authorization": header}).get("/api/v1/users/me/")

    assert response.status_code == 401
