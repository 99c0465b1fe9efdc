"""Learner pages under /learning/."""

from django.urls import path

from cairn.learning import (
    views,
    views_assessments,
    views_certifications,
    views_packages,
)

app_name = "learning"
urlpatterns = [
    path("learning/", views.my_learning, name="my_learning"),
    path("learning/catalog/", views.catalog, name="catalog"),
    path("learning/courses/<slug:slug>/", views.course_detail, name="course_detail"),
    path(
        "learning/courses/<slug:slug>/lessons/<int:pk>/",
        views.lesson_detail,
        name="lesson_detail",
    ),
    path(
        "learning/courses/<slug:slug>/lessons/<int:pk>/complete/",
        views.lesson_complete,
        name="lesson_complete",
    ),
    path(
        "learning/courses/<slug:slug>/lessons/<int:pk>/package/<path:path>",
        views_packages.package_file,
        name="package_file",
    ),
    path(
        "learning/courses/<slug:slug>/lessons/<int:pk>/runtime/",
        views_packages.package_runtime,
        name="package_runtime",
    ),
    path(
        "learning/courses/<slug:slug>/lessons/<int:pk>/launch/",
        views_packages.package_launch,
        name="package_launch",
    ),
    path(
        "learning/courses/<slug:slug>/lessons/<int:pk>/return/",
        views_packages.package_return,
        name="package_return",
    ),
    path(
        "learning/assessments/<int:pk>/",
        views_assessments.assessment_detail,
        name="assessment_detail",
    ),
    path(
        "learning/assessments/<int:pk>/start/",
        views_assessments.assessment_start,
        name="assessment_start",
    ),
    path(
        "learning/attempts/<int:pk>/",
        views_assessments.attempt_detail,
        name="attempt_detail",
    ),
    path(
        "learning/attempts/<int:pk>/submit/",
        views_assessments.attempt_submit,
        name="attempt_submit",
    ),
    path(
        "learning/attempts/<int:pk>/result/",
        views_assessments.attempt_result,
        name="attempt_result",
    ),
    path(
        "learning/attempts/<int:pk>/evidence/",
        views_assessments.evidence_upload,
        name="evidence_upload",
    ),
    path(
        "learning/evidence/<int:pk>/",
        views_assessments.evidence_download,
        name="evidence_download",
    ),
    path(
        "console/learning/evaluations/",
        views_assessments.evaluation_queue,
        name="evaluation_queue",
    ),
    path(
        "console/learning/evaluations/<int:pk>/",
        views_assessments.evaluation_detail,
        name="evaluation_detail",
    ),
    path(
        "console/learning/assessments/<int:pk>/analysis/",
        views_assessments.assessment_analysis,
        name="assessment_analysis",
    ),
    path(
        "learning/certifications/",
        views_certifications.my_certifications,
        name="my_certifications",
    ),
    path(
        "learning/certifications/<int:pk>/certificate.pdf",
        views_certifications.certificate_pdf,
        name="certificate_pdf",
    ),
    path(
        "learning/verify/",
        views_certifications.verify_certificate,
        name="verify_certificate",
    ),
    path("learning/team/", views_certifications.team_learning, name="team_learning"),
    path(
        "console/learning/",
        views_certifications.learning_report,
        name="learning_report",
    ),
    path(
        "console/learning/awards/<int:pk>/revoke/",
        views_certifications.award_revoke,
        name="award_revoke",
    ),
]
