"""Generate the demo's learning: a small catalog, tracks with enrollment rules, and
the persona reps' progress, through the learning services.

People get a job function from this step's random stream; the rules then enroll
everyone who matches in bulk, as they would in production. The persona reps
(`rep@` of the first two partners) have started and finished some lessons, so
"My learning" shows progress and a place to resume, and their learning events
reach the LRS as statements once the worker runs.
"""

from cairn.accounts.choices import JobFunction
from cairn.accounts.models import User
from cairn.core.roles import PARTNER_ROLES, Role
from cairn.demo import blueprint
from cairn.demo.context import GenerationContext
from cairn.learning.choices import QuestionKind
from cairn.learning.models import (
    Assessment,
    Course,
    LearningPath,
    Question,
    QuestionOption,
)
from cairn.learning.services import catalog
from cairn.learning.services.certifications import create_certification
from cairn.learning.services.enrollment import (
    apply_enrollment_rule,
    create_enrollment_rule,
)
from cairn.learning.services.progress import complete_lesson, open_course

# (slug, title, summary, modules of (title, lessons of (title, minutes, text)))
COURSES = [
    (
        "platform-essentials",
        "Platform essentials",
        "What the platform does, for whom, and how it is sold.",
        [
            (
                "The platform in ten minutes",
                [
                    (
                        "Who buys it and why",
                        4,
                        "Mid-size IT teams buy the platform "
                        "to **cut the time** they spend on routine operations.",
                    ),
                    (
                        "The three editions",
                        5,
                        "| Edition | For |\n|---|---|\n"
                        "| Starter | small teams |\n| Business | most customers |\n"
                        "| Enterprise | regulated industries |",
                    ),
                ],
            ),
            (
                "Licensing",
                [
                    (
                        "Subscriptions and terms",
                        6,
                        "Subscriptions run for one or "
                        "three years; renewals keep the customer's price for a year.",
                    ),
                    (
                        "Partner discounts",
                        4,
                        "Your tier sets your discount; deal "
                        "registration adds protection and a further discount.",
                    ),
                ],
            ),
        ],
    ),
    (
        "selling-the-platform",
        "Selling the platform",
        "Discovery questions, objections and the first demo.",
        [
            (
                "Discovery",
                [
                    (
                        "Five questions that qualify",
                        6,
                        "1. What does the team spend "
                        "most time on?\n2. What breaks most often?\n3. Who decides?\n"
                        "4. When must it be solved?\n5. What has been tried?",
                    ),
                    (
                        "Registering the deal",
                        3,
                        "Register the opportunity as soon as it is qualified: "
                        "the first approved registration is protected.",
                    ),
                ],
            ),
            (
                "Objections",
                [
                    (
                        '"We already have a tool"',
                        5,
                        "Ask what it costs them in "
                        "hours a week, then show the same task in the platform.",
                    ),
                ],
            ),
        ],
    ),
    (
        "technical-deep-dive",
        "Technical deep dive",
        "Architecture, integrations and a proof of concept.",
        [
            (
                "Architecture",
                [
                    (
                        "Components",
                        8,
                        "An agent per host reports to the control "
                        "plane over TLS; the control plane keeps state in PostgreSQL.",
                    ),
                    (
                        "High availability",
                        7,
                        "Run two control planes behind a load "
                        "balancer; agents reconnect on their own.",
                    ),
                ],
            ),
            (
                "Proof of concept",
                [
                    (
                        "Planning a two-week POC",
                        6,
                        "Agree the success criteria in "
                        "writing before installing anything.",
                    ),
                ],
            ),
        ],
    ),
]
# (slug, title, track, [(course slug, required)])
PATHS = [
    (
        "sales-track",
        "Sales track",
        JobFunction.SALES,
        [("platform-essentials", True), ("selling-the-platform", True)],
    ),
    (
        "technical-track",
        "Technical track",
        JobFunction.TECHNICAL,
        [
            ("platform-essentials", True),
            ("technical-deep-dive", True),
            ("selling-the-platform", False),
        ],
    ),
]


# The sales exam: (prompt, competency, [(option, is_correct)]).
EXAM_QUESTIONS = [
    (
        "Which edition suits most customers?",
        "editions",
        [("Starter", False), ("Business", True), ("Enterprise", False)],
    ),
    (
        "How long do subscriptions run?",
        "licensing",
        [("One or three years", True), ("Monthly only", False)],
    ),
    (
        "When should a deal be registered?",
        "deal registration",
        [("As soon as it is qualified", True), ("After it is won", False)],
    ),
    (
        "What sets a partner's discount?",
        "licensing",
        [("The partner's tier", True), ("The customer's size", False)],
    ),
]


def generate_learning(context: GenerationContext) -> int:
    """Create the catalog, tracks, rules and persona progress; return enrollments."""
    courses = {}
    for slug, title, summary, modules in COURSES:
        course = catalog.create_course(
            slug=slug, title=title, summary=summary, actor=None
        )
        draft = catalog.draft_of(course)
        for module_title, lessons in modules:
            module = catalog.add_module(draft, title=module_title, actor=None)
            for lesson_title, minutes, body in lessons:
                catalog.add_lesson(
                    module,
                    title=lesson_title,
                    body=body,
                    duration_minutes=minutes,
                    actor=None,
                )
        catalog.publish_version(draft, changelog="", actor=None)
        courses[slug] = course
    _assign_job_functions(context)
    enrolled = 0
    for slug, title, track, items in PATHS:
        path = catalog.create_path(
            slug=slug,
            title=title,
            track=track,
            courses=[(courses[course], required) for course, required in items],
            actor=None,
        )
        rule = create_enrollment_rule(
            path, job_functions=[track], due_in_days=60, actor=None
        )
        enrolled += apply_enrollment_rule(rule, now=context.now)
    _exam_and_certification(courses)
    _persona_progress(courses)
    return enrolled


def _exam_and_certification(courses: dict[str, Course]) -> None:
    """Create the sales exam (the bank's four questions, 20 minutes, 75 % to pass)
    and the certification it completes with the sales track.
    """
    questions = []
    for prompt, competency, options in EXAM_QUESTIONS:
        question = Question.objects.create(
            prompt=prompt, kind=QuestionKind.SINGLE, competency=competency
        )
        QuestionOption.objects.bulk_create(
            QuestionOption(
                question=question, text=text, position=position, is_correct=correct
            )
            for position, (text, correct) in enumerate(options)
        )
        questions.append(question)
    exam = Assessment.objects.create(
        title="Platform sales exam",
        course=courses["selling-the-platform"],
        questions_per_attempt=len(questions),
        passing_score=75,
        max_attempts=3,
        cooldown_minutes=60,
        time_limit_minutes=20,
    )
    exam.questions.set(questions)
    create_certification(
        slug="platform-sales-associate",
        title="Platform Sales Associate",
        description="Knows the platform, its licensing and the rules of engagement.",
        paths=LearningPath.objects.filter(slug="sales-track"),
        exam_key=exam.exam_key,
        validity_months=24,
        renewal_credits=2,
        credit_courses={courses["technical-deep-dive"]: 2},
        actor=None,
    )


def _assign_job_functions(context: GenerationContext) -> None:
    rng = context.rng("learning:job functions")
    functions = list(JobFunction.values)
    users = list(
        User.objects.filter(role__in=PARTNER_ROLES).order_by("pk").only("pk", "email")
    )
    for user in users:
        user.job_function = rng.choice(functions)
    # The persona reps follow the sales track, so the tour finds them enrolled.
    for user in users:
        if user.email.startswith(f"{blueprint.PARTNER_REP_LOCAL_PART}@"):
            user.job_function = JobFunction.SALES
    User.objects.bulk_update(users, ["job_function"], batch_size=2000)


def _persona_progress(courses: dict[str, Course]) -> None:
    reps = User.objects.filter(
        email__startswith=f"{blueprint.PARTNER_REP_LOCAL_PART}@", role=Role.PARTNER_REP
    ).order_by("pk")[:2]
    for rep in reps:
        essentials = open_course(rep, courses["platform-essentials"])
        lessons = [
            lesson
            for module in essentials.version.modules.all()
            for lesson in module.lessons.all()
        ]
        # The first rep has finished the first module; the second, one lesson.
        done = 2 if rep == reps[0] else 1
        for lesson in lessons[:done]:
            complete_lesson(essentials, lesson, actor=rep)
