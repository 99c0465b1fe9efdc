"""Measure learning at scale: an enrollment rule over every partner person, "my
learning" and exam submissions, at 200,000 learners and 1,000 courses.

Runs Django in-process with production settings (DEBUG off) against its own database,
fills it when empty (the demo generator for organizations and people, then a bulk
catalog, tracks, enrollments and progress), then measures:

- `rule`: `apply_enrollment_rule` of a rule that matches every partner person (wall
  time; the path's enrollments are deleted first, untimed, so reruns measure again);
- `my_learning`: GET /learning/ through `django.test.Client` as `--samples` sampled
  learners (p50/p95, queries);
- `exam`: `start_attempt` then `submit_attempt` with the right answers for
  `--samples` sampled learners (p50/p95 of each, queries of one submission).

See bench/README.md ("learning_load.py"); results in docs/performance.md.
"""

import argparse
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'var' / 'bench' / 'learning.sqlite3'}"

# Courses created through the catalog services (the rest in bulk, same shape).
SERVICE_COURSES = 5
MODULES_PER_COURSE = 3
LESSONS_PER_MODULE = 4
# Courses per track path: the first six required, the last two electives.
COURSES_PER_PATH = 8
# Courses of the path everyone is enrolled in by the measured rule.
EVERYONE_COURSES = 4
EXAM_QUESTIONS = 10
# Share of learners who started the first course of their track.
PROGRESS_SHARE = 0.3
USERS_PER_PARTNER = 20
SLUG = "bench-course-{:04d}"
EVERYONE_SLUG = "bench-everyone"
EXAM_TITLE = "Bench certification exam"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--users", type=int, default=200_000, help="Partner people to generate."
    )
    parser.add_argument("--courses", type=int, default=1000, help="Courses in all.")
    parser.add_argument("--samples", type=int, default=200, help="Timed repetitions.")
    parser.add_argument("--warmups", type=int, default=5, help="Untimed repetitions.")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        help="The benchmark's own database (default: $DATABASE_URL, else "
        "var/bench/learning.sqlite3). Filled when empty; never point it at real data.",
    )
    parser.add_argument(
        "--reseed", action="store_true", help="Empty the database and fill it again."
    )
    parser.add_argument(
        "--fill-only", action="store_true", help="Fill the database, measure nothing."
    )
    parser.add_argument("--json", type=Path, help="Also write the results here.")
    return parser.parse_args(argv)


def configure(database_url: str) -> None:
    """Production-like settings (as portal_and_api.py), creating the database."""
    if database_url.startswith("postgres"):
        _create_postgres_database(database_url)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from portal_and_api import configure as configure_django

    configure_django(database_url)


def _create_postgres_database(database_url: str) -> None:
    import psycopg

    base, _, name = database_url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def percentiles(timings: list[float]) -> dict[str, float]:
    """p50 and p95 (nearest rank) and max of timings in milliseconds."""
    ordered = sorted(timings)
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[math.ceil(0.95 * len(ordered)) - 1], 2),
        "max_ms": round(ordered[-1], 2),
    }


# -- Data ----------------------------------------------------------------------


def fill(args: argparse.Namespace) -> dict[str, float]:
    """Generate people, catalog, paths, enrollments and progress; return timings."""
    from cairn.demo.generator import generate_ecosystem

    seconds: dict[str, float] = {}
    started = time.perf_counter()
    partners = max(2, args.users // USERS_PER_PARTNER)
    generate_ecosystem(
        seed=args.seed, partners=partners, users_per_partner=USERS_PER_PARTNER
    )
    seconds["ecosystem"] = time.perf_counter() - started
    started = time.perf_counter()
    courses = build_catalog(args.courses)
    seconds["catalog"] = time.perf_counter() - started
    started = time.perf_counter()
    build_paths_and_enrollments(courses, seed=args.seed)
    build_exam(courses[-1])
    seconds["paths_enrollments_progress"] = time.perf_counter() - started
    _analyze()
    return {k: round(v, 1) for k, v in seconds.items()}


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def build_catalog(total: int) -> list[Any]:
    """Create `total` published courses (besides the demo's): the first through
    the catalog services, the rest with bulk_create of the same rows.
    """
    from django.utils import timezone

    from cairn.learning.choices import VersionStatus
    from cairn.learning.models import Course, CourseVersion, Lesson, Module
    from cairn.learning.services import catalog

    existing = Course.objects.count()
    wanted = max(0, total - existing)
    by_service = min(SERVICE_COURSES, wanted)
    for number in range(by_service):
        course = catalog.create_course(
            slug=SLUG.format(number), title=f"Bench course {number}", actor=None
        )
        draft = catalog.draft_of(course)
        for m in range(MODULES_PER_COURSE):
            module = catalog.add_module(draft, title=f"Module {m + 1}", actor=None)
            for n in range(LESSONS_PER_MODULE):
                catalog.add_lesson(
                    module,
                    title=f"Lesson {n + 1}",
                    body=f"# Lesson {n + 1}\n\nPartner **enablement**.",
                    duration_minutes=5,
                    actor=None,
                )
        catalog.publish_version(draft, changelog="", actor=None)
    now = timezone.now()
    bulk = range(by_service, wanted)
    Course.objects.bulk_create(
        [
            Course(slug=SLUG.format(n), title=f"Bench course {n}", summary="Bench.")
            for n in bulk
        ],
        batch_size=1000,
    )
    fresh = list(Course.objects.filter(slug__in=[SLUG.format(n) for n in bulk]))
    versions = CourseVersion.objects.bulk_create(
        [
            CourseVersion(
                course=c, number=1, status=VersionStatus.PUBLISHED, published_at=now
            )
            for c in fresh
        ],
        batch_size=1000,
    )
    modules = Module.objects.bulk_create(
        [
            Module(version=v, title=f"Module {m + 1}", position=m)
            for v in versions
            for m in range(MODULES_PER_COURSE)
        ],
        batch_size=2000,
    )
    if modules and modules[0].pk is None:  # SQLite before RETURNING: fetch ids
        modules = list(Module.objects.filter(version__in=versions).order_by("pk"))
    Lesson.objects.bulk_create(
        [
            Lesson(
                module=module,
                title=f"Lesson {n + 1}",
                position=n,
                body=f"# Lesson {n + 1}\n\nPartner **enablement**.",
                duration_minutes=5,
            )
            for module in modules
            for n in range(LESSONS_PER_MODULE)
        ],
        batch_size=2000,
    )
    return list(
        Course.objects.filter(slug__startswith="bench-course-").order_by("slug")
    )


def build_paths_and_enrollments(courses: list[Any], *, seed: int) -> None:
    """A path per track, each person enrolled in their track's path by its rule,
    the path everyone will be enrolled in (empty until measured), and progress.
    """
    from django.utils import timezone

    from cairn.accounts.choices import JobFunction
    from cairn.learning.models import CourseProgress, Enrollment, LessonCompletion
    from cairn.learning.services import catalog
    from cairn.learning.services.enrollment import (
        apply_enrollment_rule,
        create_enrollment_rule,
    )

    rng = random.Random(seed)
    first_courses = {}
    for index, track in enumerate(JobFunction.values):
        # Consecutive courses, wrapping around at small scales (--courses 20).
        size = min(COURSES_PER_PATH, len(courses))
        chosen = [
            courses[(index * COURSES_PER_PATH + i) % len(courses)] for i in range(size)
        ]
        path = catalog.create_path(
            slug=f"bench-{track}",
            title=f"Bench {track} track",
            track=track,
            courses=[(c, i < size - 2) for i, c in enumerate(chosen)],
            electives_required=1,
            actor=None,
        )
        first_courses[path.pk] = chosen[0]
        rule = create_enrollment_rule(path, job_functions=[track], actor=None)
        apply_enrollment_rule(rule)
    catalog.create_path(
        slug=EVERYONE_SLUG,
        title="Bench: partner code of conduct",
        courses=[(c, True) for c in courses[-EVERYONE_COURSES:]],
        actor=None,
    )
    # Progress: a share of the people started their track's first course and
    # completed one to all of the lessons of its first module.
    now = timezone.now()
    pairs = list(
        Enrollment.objects.filter(path_id__in=list(first_courses)).values_list(
            "user_id", "path_id"
        )
    )
    started = [p for p in pairs if rng.random() < PROGRESS_SHARE]
    versions = {
        c.pk: c.versions.get()
        for c in {c.pk: c for c in first_courses.values()}.values()
    }
    lessons = {
        course_id: list(version.modules.order_by("position")[0].lessons.all())
        for course_id, version in versions.items()
    }
    for start in range(0, len(started), 5000):
        batch = started[start : start + 5000]
        progresses = [
            CourseProgress(
                user_id=user_id,
                course_id=first_courses[path_id].pk,
                version=versions[first_courses[path_id].pk],
                started_at=now,
            )
            for user_id, path_id in batch
        ]
        CourseProgress.objects.bulk_create(progresses)
        if progresses and progresses[0].pk is None:
            keys = {p.registration for p in progresses}
            progresses = list(CourseProgress.objects.filter(registration__in=keys))
        completions = []
        for progress in progresses:
            done = lessons[progress.course_id][: rng.randint(1, LESSONS_PER_MODULE)]
            progress.last_lesson = done[-1]
            completions += [
                LessonCompletion(progress=progress, lesson=lesson, completed_at=now)
                for lesson in done
            ]
        LessonCompletion.objects.bulk_create(completions, batch_size=5000)
        CourseProgress.objects.bulk_update(progresses, ["last_lesson"], batch_size=5000)


def build_exam(course: Any) -> None:
    """A certification exam of single-choice questions, unlimited attempts."""
    from cairn.learning.choices import QuestionKind
    from cairn.learning.models import Assessment, Question, QuestionOption

    questions = []
    for number in range(EXAM_QUESTIONS):
        question = Question.objects.create(
            prompt=f"Question {number + 1}?",
            kind=QuestionKind.SINGLE,
            competency="bench",
        )
        QuestionOption.objects.bulk_create(
            QuestionOption(
                question=question, text=f"Option {p}", position=p, is_correct=p == 1
            )
            for p in range(4)
        )
        questions.append(question)
    exam = Assessment.objects.create(
        title=EXAM_TITLE,
        course=course,
        questions_per_attempt=EXAM_QUESTIONS,
        passing_score=75,
    )
    exam.questions.set(questions)


# -- Measurements --------------------------------------------------------------


def measure_rule() -> dict[str, Any]:
    """Time applying a rule that matches every active partner person."""
    from cairn.learning.models import Enrollment, EnrollmentRule, LearningPath
    from cairn.learning.services.enrollment import (
        apply_enrollment_rule,
        create_enrollment_rule,
    )

    path = LearningPath.objects.get(slug=EVERYONE_SLUG)
    deleted, _ = Enrollment.objects.filter(path=path).delete()
    EnrollmentRule.objects.filter(path=path).delete()
    rule = create_enrollment_rule(path, actor=None)
    started = time.perf_counter()
    enrolled = apply_enrollment_rule(rule)
    seconds = time.perf_counter() - started
    return {
        "enrolled": enrolled,
        "seconds": round(seconds, 2),
        "deleted_before": deleted,
    }


def sample_learners(count: int, *, seed: int) -> list[Any]:
    """`count` active partner people picked at random (the same for a seed)."""
    from cairn.accounts.models import User
    from cairn.core.roles import PARTNER_ROLES

    ids = list(
        User.objects.filter(
            is_active=True, role__in=PARTNER_ROLES, organization__isnull=False
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    chosen = random.Random(seed).sample(ids, min(count, len(ids)))
    users = User.objects.in_bulk(chosen)
    return [users[pk] for pk in chosen]


def measure_my_learning(
    learners: list[Any], *, warmups: int, url: str = "/learning/"
) -> dict[str, Any]:
    """GET the page once as each learner (signed in untimed)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    statuses = set()
    for user in learners[:warmups]:
        client.force_login(user)
        statuses.add(client.get(url, secure=True).status_code)
    timings = []
    queries = set()
    sizes = []
    for index, user in enumerate(learners):
        client.force_login(user)
        started = time.perf_counter()
        response = client.get(url, secure=True)
        timings.append((time.perf_counter() - started) * 1000)
        statuses.add(response.status_code)
        sizes.append(len(response.content))
        if index < 5:  # counting queries slows the request: untimed repeats
            with CaptureQueriesContext(connection) as captured:
                client.get(url, secure=True)
            queries.add(len(captured))
    return {
        "status": sorted(statuses),
        **percentiles(timings),
        "queries": sorted(queries),
        "median_bytes": int(statistics.median(sizes)),
    }


def measure_exam(learners: list[Any], *, warmups: int) -> dict[str, Any]:
    """Start an attempt and submit it with the right answers, as each learner."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cairn.learning.models import Assessment, QuestionOption
    from cairn.learning.services.assessments import start_attempt, submit_attempt

    exam = Assessment.objects.get(title=EXAM_TITLE)
    right = dict(
        QuestionOption.objects.filter(
            question__in=exam.questions.all(), is_correct=True
        ).values_list("question_id", "pk")
    )
    starts, submits, passed = [], [], 0
    queries = None
    for index, user in enumerate([*learners[:warmups], *learners]):
        timed = index >= warmups
        started = time.perf_counter()
        attempt = start_attempt(exam, actor=user)
        start_ms = (time.perf_counter() - started) * 1000
        responses = {qid: [right[qid]] for qid in attempt.question_ids}
        if index == warmups:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                attempt = submit_attempt(attempt, actor=user, responses=responses)
            queries = len(captured)
            submit_ms = (time.perf_counter() - started) * 1000
        else:
            started = time.perf_counter()
            attempt = submit_attempt(attempt, actor=user, responses=responses)
            submit_ms = (time.perf_counter() - started) * 1000
        if timed:
            starts.append(start_ms)
            submits.append(submit_ms)
            passed += bool(attempt.passed)
    return {
        "start": percentiles(starts),
        "submit": percentiles(submits),
        "submit_queries": queries,
        "passed": passed,
        "attempts": len(submits),
    }


def environment(args: argparse.Namespace) -> dict[str, Any]:
    """What was measured and where."""
    import django
    from django.db import connection

    from cairn.accounts.models import User
    from cairn.core.roles import PARTNER_ROLES
    from cairn.learning.models import (
        Course,
        CourseProgress,
        Enrollment,
        LearningPath,
        Lesson,
    )

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = ""
    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": commit,
        "database": f"{connection.vendor} {version}",
        "partner_users": User.objects.filter(role__in=PARTNER_ROLES).count(),
        "courses": Course.objects.count(),
        "lessons": Lesson.objects.count(),
        "paths": LearningPath.objects.count(),
        "enrollments": Enrollment.objects.count(),
        "course_progress": CourseProgress.objects.count(),
        "samples": args.samples,
        "python": sys.version.split()[0],
        "django": django.get_version(),
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
    }


def run(args: argparse.Namespace, *, fill_seconds: dict[str, float] | None) -> dict:
    """Measure the rule, then "my learning", then the exam; return the report."""
    rule = measure_rule()
    _analyze()
    learners = sample_learners(args.samples + args.warmups, seed=args.seed)
    my_learning = measure_my_learning(learners, warmups=args.warmups)
    # The whole catalog moved from "My learning" to its own paginated page.
    catalog = measure_my_learning(
        learners, warmups=args.warmups, url="/learning/catalog/"
    )
    exam = measure_exam(learners[args.warmups :], warmups=args.warmups)
    return {
        "environment": environment(args),
        "fill_seconds": fill_seconds,
        "rule": {**rule, "target_s": 60, "met": rule["seconds"] < 60},
        "my_learning": {
            **my_learning,
            "target_p95_ms": 50,
            "met": my_learning["p95_ms"] < 50,
        },
        "catalog": catalog,
        "exam": {
            **exam,
            "target_submit_p95_ms": 50,
            "met": exam["submit"]["p95_ms"] < 50,
        },
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    configure(args.database_url)
    from django.core.management import call_command

    from cairn.learning.models import Course

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    fill_seconds = None
    filled = Course.objects.filter(slug=SLUG.format(0)).exists()
    if filled and args.reseed:
        call_command("flush", interactive=False, verbosity=0)
        filled = False
    if not filled:
        print(f"Filling: {args.users:,} people, {args.courses:,} courses...")
        fill_seconds = fill(args)
        print(f"Filled in {fill_seconds}")
    if args.fill_only:
        return 0
    report = run(args, fill_seconds=fill_seconds)
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    ok = (
        report["my_learning"]["status"] == [200]
        and report["exam"]["passed"] == (report["exam"]["attempts"])
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
