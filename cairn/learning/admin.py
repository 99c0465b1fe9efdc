"""Authoring in the back office: courses, versions, modules, lessons, paths, rules.

Every write is audited (AuditedModelAdmin). Publishing goes through the catalog
service, so its rules (a lesson at least, a changelog after the first version, the
previous version retired) hold here too.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms import BaseModelFormSet, ModelForm
from django.http import HttpRequest

from cairn.core.admin import AuditedModelAdmin
from cairn.learning.choices import LessonKind
from cairn.learning.models import (
    Assessment,
    AssessmentAttempt,
    Certification,
    CertificationAward,
    Course,
    CourseVersion,
    CreditCourse,
    EnrollmentRule,
    LearningPackage,
    LearningPath,
    Lesson,
    Module,
    PathItem,
    Question,
    QuestionOption,
    RubricCriterion,
    TierCertificationRequirement,
)
from cairn.learning.services import catalog
from cairn.learning.services.enrollment import apply_enrollment_rule
from cairn.learning.services.packages import (
    PackageRefusedError,
    import_package,
    inspect_package,
)


class CourseVersionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CourseVersion
    fields = ("number", "status", "published_at", "changelog")
    readonly_fields = ("number", "status", "published_at", "changelog")
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Course)
class CourseAdmin(AuditedModelAdmin):
    list_display = ("title", "slug", "program", "is_archived")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    inlines = (CourseVersionInline,)
    actions = ("start_draft",)

    @admin.action(description="Start a new draft from the latest version")
    def start_draft(self, request: HttpRequest, queryset: QuerySet[Course]) -> None:
        for course in queryset:
            try:
                catalog.start_draft(course, actor=request.user)
            except ValidationError as error:
                self.message_user(
                    request, f"{course}: {error.messages[0]}", messages.ERROR
                )


class ModuleInline(admin.StackedInline):  # type: ignore[type-arg]
    model = Module
    extra = 0
    show_change_link = True


@admin.register(CourseVersion)
class CourseVersionAdmin(AuditedModelAdmin):
    list_display = ("course", "number", "status", "published_at")
    list_filter = ("status",)
    inlines = (ModuleInline,)
    actions = ("publish",)

    @admin.action(description="Publish (give the changelog first)")
    def publish(self, request: HttpRequest, queryset: QuerySet[CourseVersion]) -> None:
        for version in queryset:
            try:
                catalog.publish_version(
                    version, changelog=version.changelog, actor=request.user
                )
            except ValidationError as error:
                self.message_user(
                    request, f"{version}: {error.messages[0]}", messages.ERROR
                )
            else:
                self.message_user(request, f"{version} is published.")


class LessonAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    """A lesson, with the zip of an interactive package to import.

    The zip is checked here, so that a refused package is a form error with its
    reason; it is imported (through the service) when the lesson is saved.
    """

    package_file = forms.FileField(
        required=False,
        label="Upload a package",
        help_text="A SCORM 1.2, SCORM 2004 or cmi5 zip, for an interactive "
        "package lesson. It replaces the lesson's package.",
    )

    # No Meta: the admin builds the model form (with its own widgets) on this base.

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        upload = cleaned.get("package_file")
        is_package = cleaned.get("kind") == LessonKind.PACKAGE
        if upload and not is_package:
            self.add_error(
                "package_file",
                "Choose the kind “Interactive package” to upload a package.",
            )
        elif upload:
            try:
                inspect_package(upload, size=upload.size)
            except PackageRefusedError as refusal:
                self.add_error("package_file", refusal.messages)
        elif is_package and not cleaned.get("package"):
            self.add_error("package_file", "Upload the SCORM or cmi5 package.")
        return cleaned


class LessonInline(admin.StackedInline):  # type: ignore[type-arg]
    model = Lesson
    form = LessonAdminForm
    extra = 0

    def formfield_for_dbfield(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> Any:
        if isinstance(db_field, models.URLField):
            # Addresses typed without a scheme are https (Django 6's default).
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Module)
class ModuleAdmin(AuditedModelAdmin):
    list_display = ("title", "version", "position")
    inlines = (LessonInline,)

    def save_formset(
        self,
        request: HttpRequest,
        form: ModelForm[Any],
        formset: BaseModelFormSet[Any, Any],
        change: bool,
    ) -> None:
        if formset.model is Lesson:
            for lesson_form in formset.forms:
                data = getattr(lesson_form, "cleaned_data", {})
                if data.get("package_file") and not data.get("DELETE"):
                    lesson_form.instance.package = import_package(
                        data["package_file"], actor=request.user
                    )
        super().save_formset(request, form, formset, change)


@admin.register(LearningPackage)
class LearningPackageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Imported packages, read-only: they are uploaded on a lesson and never
    change afterwards.
    """

    list_display = ("title", "standard", "file_count", "original_name", "created_at")
    list_filter = ("standard",)
    search_fields = ("title", "original_name", "identifier")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PathItemInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PathItem
    extra = 0
    fk_name = "path"


@admin.register(LearningPath)
class LearningPathAdmin(AuditedModelAdmin):
    list_display = ("title", "track", "program", "is_published")
    prepopulated_fields = {"slug": ("title",)}
    inlines = (PathItemInline,)


@admin.register(EnrollmentRule)
class EnrollmentRuleAdmin(AuditedModelAdmin):
    list_display = ("path", "program", "is_active", "due_in_days")
    actions = ("apply_now",)

    @admin.action(description="Enroll everyone the rule matches now")
    def apply_now(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        enrolled = sum(apply_enrollment_rule(rule) for rule in queryset)
        self.message_user(request, f"{enrolled} people enrolled.")


class QuestionOptionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = QuestionOption
    fk_name = "question"
    fields = ("text", "position", "is_correct", "match_key", "follow_up")
    autocomplete_fields = ("follow_up",)
    extra = 0


@admin.register(Question)
class QuestionAdmin(AuditedModelAdmin):
    list_display = ("__str__", "kind", "competency", "points")
    list_filter = ("kind", "competency")
    search_fields = ("prompt", "competency")
    inlines = (QuestionOptionInline,)


class RubricCriterionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = RubricCriterion
    extra = 0


@admin.register(Assessment)
class AssessmentAdmin(AuditedModelAdmin):
    list_display = (
        "title",
        "kind",
        "course",
        "module",
        "passing_score",
        "exam_key",
        "is_active",
    )
    list_filter = ("kind", "is_active")
    search_fields = ("title",)
    filter_horizontal = ("questions",)
    autocomplete_fields = ("course",)
    inlines = (RubricCriterionInline,)


@admin.register(AssessmentAttempt)
class AssessmentAttemptAdmin(AuditedModelAdmin):
    """Attempts are read here; they change only through the portal's services."""

    list_display = ("assessment", "user", "number", "status", "score", "passed")
    list_filter = ("status", "passed")
    readonly_fields = tuple(
        field.name for field in AssessmentAttempt._meta.get_fields() if field.concrete
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class CreditCourseInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CreditCourse
    extra = 0


@admin.register(Certification)
class CertificationAdmin(AuditedModelAdmin):
    list_display = ("title", "program", "exam_key", "validity_months", "is_published")
    search_fields = ("title", "slug", "exam_key")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("paths", "courses")
    inlines = (CreditCourseInline,)


@admin.register(TierCertificationRequirement)
class TierCertificationRequirementAdmin(AuditedModelAdmin):
    list_display = ("tier", "certification", "minimum_certified_people")


@admin.register(CertificationAward)
class CertificationAwardAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = (
        "certification",
        "user",
        "status",
        "expires_at",
        "verification_code",
    )
    list_filter = ("status", "certification")
    search_fields = ("verification_code", "user__email")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
