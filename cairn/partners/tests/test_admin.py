from typing import Any

import pytest
from django.test import Client


@pytest.mark.parametrize(
    "model",
    [
        "program",
        "tier",
        "specialization",
        "industry",
        "partnerorganization",
        "organizationemaildomain",
        "programmembership",
    ],
)
def test_back_office_lists_and_forms_render(
    ecosystem: Any, clients: dict[str, Client], model: str
) -> None:
    client = clients["vendor_admin"]
    changelist = client.get(f"/admin/partners/{model}/?q=a")
    add = client.get(f"/admin/partners/{model}/add/")

    assert (changelist.status_code, add.status_code) == (200, 200)


def test_back_office_edits_a_partner(
    ecosystem: Any, clients: dict[str, Client]
) -> None:
    response = clients["vendor_admin"].get(
        f"/admin/partners/partnerorganization/{ecosystem.partner_a.pk}/change/"
    )

    assert response.status_code == 200
    assert "alpha.example" in response.content.decode()
