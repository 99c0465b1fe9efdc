"""Builders of the assessment tests: questions of every kind, quizzes, a
practical assessment with a rubric, and evidence files.
"""

import io
import zipfile
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from cairn.learning.choices import AssessmentKind, QuestionKind
from cairn.learning.models import (
    Assessment,
    Question,
    QuestionOption,
    RubricCriterion,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def ooxml(prefix: str = "word/") -> bytes:
    """Return a minimal Office Open XML package (a ZIP with its content types)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{prefix}document.xml", "<document/>")
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    """Return an uploaded file as a browser would send it."""
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def choice(
    prompt: str,
    options: list[tuple[str, bool]],
    *,
    kind: str = QuestionKind.SINGLE,
    competency: str = "",
    points: int = 1,
) -> Question:
    """Create a choice question (single, multiple, true/false or scenario)."""
    question = Question.objects.create(
        prompt=prompt, kind=kind, competency=competency, points=points
    )
    for position, (text, is_correct) in enumerate(options):
        QuestionOption.objects.create(
            question=question, text=text, position=position, is_correct=is_correct
        )
    return question


def ordering(prompt: str, items: list[str], *, competency: str = "") -> Question:
    """Create an ordering question whose right order is `items`."""
    question = Question.objects.create(
        prompt=prompt, kind=QuestionKind.ORDERING, competency=competency
    )
    for position, text in enumerate(items, start=1):
        QuestionOption.objects.create(question=question, text=text, position=position)
    return question


def matching(prompt: str, pairs: list[tuple[str, str]]) -> Question:
    """Create a matching question: each item and the key it matches."""
    question = Question.objects.create(prompt=prompt, kind=QuestionKind.MATCHING)
    for position, (text, key) in enumerate(pairs):
        QuestionOption.objects.create(
            question=question, text=text, position=position, match_key=key
        )
    return question


def short_answer(prompt: str, accepted: list[str], *, competency: str = "") -> Question:
    """Create a short-answer question."""
    return Question.objects.create(
        prompt=prompt,
        kind=QuestionKind.SHORT_ANSWER,
        accepted_answers=accepted,
        competency=competency,
    )


def option(question: Question, text: str) -> QuestionOption:
    """Return the option of `question` with this text."""
    return question.options.get(text=text)


def quiz(questions: list[Question], **fields: Any) -> Assessment:
    """Create a quiz over `questions`."""
    fields.setdefault("title", "Routing check")
    fields.setdefault("passing_score", 50)
    assessment = Assessment.objects.create(**fields)
    assessment.questions.set(questions)
    return assessment


def practical(criteria: list[tuple[str, int]], **fields: Any) -> Assessment:
    """Create a practical assessment with a rubric of (title, max points)."""
    fields.setdefault("title", "Build a lab network")
    fields.setdefault("passing_score", 60)
    assessment = Assessment.objects.create(kind=AssessmentKind.PRACTICAL, **fields)
    for position, (title, max_points) in enumerate(criteria):
        RubricCriterion.objects.create(
            assessment=assessment, title=title, max_points=max_points, position=position
        )
    return assessment
