"""Every write made in Django's admin lands in the audit log."""

from typing import Any

from django.test import Client
from django.urls import reverse

from cairn.core.models import AuditAction, AuditEntry
from cairn.partners.models import Specialization, Tier
from cairn.partners.tests.factories import SpecializationFactory


def _form_data(response: Any) -> dict[str, Any]:
    """Return the POST data of an admin change page as it was rendered."""
    data: dict[str, Any] = {}

    def add(form: Any) -> None:
        for name in form.fields:
            value = form[name].value()
            if value is None:
                continue
            data[form.add_prefix(name)] = value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for form in formset.forms:
            add(form)
    return data


def _admin(ecosystem: Any) -> Client:
    client = Client()
    client.force_login(ecosystem.vendor_admin)
    return client


def test_admin_change_is_audited_with_before_and_after(ecosystem: Any) -> None:
    specialization: Any = SpecializationFactory(
        name="Cloud security", slug="cloud-security"
    )
    client = _admin(ecosystem)
    url = reverse("admin:partners_specialization_change", args=[specialization.pk])
    data = _form_data(client.get(url)) | {"name": "Cloud and network security"}

    response = client.post(url, data)

    assert response.status_code == 302
    entry = AuditEntry.objects.get(target_id=str(specialization.pk))
    assert entry.action == AuditAction.UPDATE
    assert entry.before == {"name": "Cloud security"}
    assert entry.after == {"name": "Cloud and network security"}
    assert entry.actor == ecosystem.vendor_admin
    assert entry.origin == "admin"
    assert entry.reason == "Django admin"


def test_admin_delete_is_audited(ecosystem: Any) -> None:
    specialization: Any = SpecializationFactory(
        name="Data analytics", slug="data-analytics"
    )
    pk = specialization.pk
    client = _admin(ecosystem)

    response = client.post(
        reverse("admin:partners_specialization_delete", args=[pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Specialization.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get(target_id=str(pk))
    assert entry.action == AuditAction.DELETE
    assert entry.before["name"] == "Data analytics"


def test_admin_inline_changes_are_audited_per_row(ecosystem: Any) -> None:
    program = ecosystem.program
    client = _admin(ecosystem)
    url = reverse("admin:partners_program_change", args=[program.pk])
    data = _form_data(client.get(url))
    prefix = next(key for key in data if key.endswith("-TOTAL_FORMS")).split("-")[0]
    gold_row = next(
        key.rsplit("-", 1)[0]
        for key, value in data.items()
        if key.endswith("-name") and value == "Gold"
    )
    data[f"{gold_row}-name"] = "Gold Plus"
    data[f"{prefix}-TOTAL_FORMS"] = int(data[f"{prefix}-TOTAL_FORMS"]) + 1
    new_row = f"{prefix}-{int(data[f'{prefix}-TOTAL_FORMS']) - 1}"
    data |= {f"{new_row}-rank": 3, f"{new_row}-name": "Platinum"}

    response = client.post(url, data)

    assert response.status_code == 302
    platinum = Tier.objects.get(program=program, name="Platinum")
    assert AuditEntry.objects.get(target_id=str(platinum.pk)).action == (
        AuditAction.CREATE
    )
    gold = AuditEntry.objects.get(target_id=str(ecosystem.gold.pk))
    assert (gold.action, gold.before, gold.after) == (
        AuditAction.UPDATE,
        {"name": "Gold"},
        {"name": "Gold Plus"},
    )
