"""Authorization rules of package lessons: partner people who may take the course
get its package's files, post its run-time data and launch its cmi5 AU; a course
of another program does not exist for them; vendor staff get 403.
"""

from typing import Any

from cairn.core.authz import SIGN_IN, Rule, same_for_all
from cairn.learning.tests.support_packages import cmi5, package_lesson

LEARNER_PAGE = same_for_all(
    200, vendor_admin=403, channel_manager=403, anonymous=SIGN_IN
)
LEARNER_POST_ONLY = same_for_all(
    405, vendor_admin=403, channel_manager=403, anonymous=SIGN_IN
)
PARTNERS = ["partner_a_admin", "partner_a_rep", "partner_a_second_rep", "partner_b_rep"]


def prepare(ecosystem: Any) -> None:
    """Publish a package course open to every partner, and one of another program."""
    ecosystem.package_course, ecosystem.package_lesson, _ = package_lesson()
    ecosystem.other_package_course, ecosystem.other_package_lesson, _ = package_lesson(
        slug="referral-package", program=ecosystem.other_program, title="Referral"
    )
    prepare_cmi5(ecosystem)


def _file(course: str, lesson: str) -> Any:
    return lambda ecosystem: {
        "slug": getattr(ecosystem, course).slug,
        "pk": getattr(ecosystem, lesson).pk,
        "path": "index.html",
    }


def _lesson(ecosystem: Any) -> dict[str, Any]:
    return {"slug": ecosystem.package_course.slug, "pk": ecosystem.package_lesson.pk}


RULES = [
    Rule(
        "learning:package_file",
        kwargs=_file("package_course", "package_lesson"),
        expect=LEARNER_PAGE,
    ),
    Rule(
        "learning:package_file",
        kwargs=_file("other_package_course", "other_package_lesson"),
        expect={**LEARNER_PAGE, **dict.fromkeys(PARTNERS, 404)},
    ),
    Rule("learning:package_runtime", kwargs=_lesson, expect=LEARNER_POST_ONLY),
]


def prepare_cmi5(ecosystem: Any) -> None:
    """Publish a course of one cmi5 lesson open to every partner."""
    ecosystem.cmi5_course, ecosystem.cmi5_lesson, _ = package_lesson(
        cmi5(), slug="firewall-zones", title="Firewall zones"
    )


def _cmi5_lesson(ecosystem: Any) -> dict[str, Any]:
    return {"slug": ecosystem.cmi5_course.slug, "pk": ecosystem.cmi5_lesson.pk}


RULES += [
    # Launching sends the learner to the AU.
    Rule(
        "learning:package_launch",
        kwargs=_cmi5_lesson,
        expect=same_for_all(
            302, vendor_admin=403, channel_manager=403, anonymous=SIGN_IN
        ),
    ),
    Rule("learning:package_return", kwargs=_cmi5_lesson, expect=LEARNER_PAGE),
]
