"""Learner pages under /learning/."""

from django.urls import path

from cairn.learning import views

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
]
