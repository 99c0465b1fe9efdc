"""Uploading a package on a lesson in the back office."""

from typing import Any

from django.test import Client
from django.urls import reverse

from cairn.learning.choices import LessonKind, PackageStandard
from cairn.learning.models import LearningPackage, Lesson
from cairn.learning.services import catalog
from cairn.learning.tests.support_packages import scorm12, upload, zip_of
from conftest import Ecosystem


def _draft_module() -> Any:
    course = catalog.create_course(slug="switching", title="Switching", actor=None)
    return catalog.add_module(catalog.draft_of(course), title="Basics", actor=None)


def _new_lesson_data(client: Client, url: str, content: bytes | None) -> dict[str, Any]:
    page = client.get(url)
    data: dict[str, Any] = {}
    form = page.context["adminform"].form
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            data[form.add_prefix(name)] = value
    formset = page.context["inline_admin_formsets"][0].formset
    for name, value in formset.management_form.initial.items():
        data[f"{formset.prefix}-{name}"] = value
    data[f"{formset.prefix}-TOTAL_FORMS"] = 1
    row = f"{formset.prefix}-0"
    data |= {
        f"{row}-title": "Play the package",
        f"{row}-kind": LessonKind.PACKAGE,
        f"{row}-position": 0,
        f"{row}-duration_minutes": 10,
        f"{row}-competencies": "[]",
    }
    if content is not None:
        data[f"{row}-package_file"] = upload(content, "routing.zip")
    return data


def test_a_package_uploaded_on_a_lesson_is_imported(ecosystem: Ecosystem) -> None:
    module = _draft_module()
    client = Client()
    client.force_login(ecosystem.vendor_admin)
    url = reverse("admin:learning_module_change", args=[module.pk])

    response = client.post(url, _new_lesson_data(client, url, scorm12()))

    assert response.status_code == 302
    lesson = Lesson.objects.get(module=module)
    assert lesson.kind == LessonKind.PACKAGE
    assert lesson.package is not None
    assert (lesson.package.standard, lesson.package.original_name) == (
        PackageStandard.SCORM_12,
        "routing.zip",
    )
    assert lesson.package.uploaded_by == ecosystem.vendor_admin


def test_a_refused_package_is_a_form_error_with_its_reason(
    ecosystem: Ecosystem,
) -> None:
    module = _draft_module()
    client = Client()
    client.force_login(ecosystem.vendor_admin)
    url = reverse("admin:learning_module_change", args=[module.pk])
    hostile = zip_of({"imsmanifest.xml": "<manifest/>", "../evil.html": "x"})

    response = client.post(url, _new_lesson_data(client, url, hostile))

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors
    assert errors == [
        {
            "package_file": [
                "“../evil.html” is not a safe name inside a package (absolute, "
                "with “..”, a backslash, a drive letter or a control character): "
                "it could point outside the package."
            ]
        }
    ]
    assert not Lesson.objects.filter(module=module).exists()
    assert LearningPackage.objects.count() == 0


def test_a_package_lesson_needs_a_package(ecosystem: Ecosystem) -> None:
    module = _draft_module()
    client = Client()
    client.force_login(ecosystem.vendor_admin)
    url = reverse("admin:learning_module_change", args=[module.pk])

    response = client.post(url, _new_lesson_data(client, url, None))

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors
    assert errors == [{"package_file": ["Upload the SCORM or cmi5 package."]}]
    assert not Lesson.objects.filter(module=module).exists()
