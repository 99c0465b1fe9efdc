"""Learner pages under /learning/, the team report, and the vendor's learning
report under /console/learning/.
"""

from django.urls import path

from cairn.learning import views, views_certifications

app_name = "learning"
urlpatterns = [
    path("learning/", views.my_learning, name="my_learning"),
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
