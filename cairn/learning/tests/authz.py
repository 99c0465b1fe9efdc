"""Authorization rules of the learner pages: partner people learn; vendor staff
author in the back office and get 403 here.
"""

from typing import Any

from cairn.core.authz import SIGN_IN, Rule, same_for_all
from cairn.learning.tests.support import published_course

LEARNER_PAGE = same_for_all(
    200, vendor_admin=403, channel_manager=403, anonymous=SIGN_IN
)
LEARNER_POST_ONLY = same_for_all(
    405, vendor_admin=403, channel_manager=403, anonymous=SIGN_IN
)


def prepare(ecosystem: Any) -> None:
    """Publish a course open to every partner, and one for another program."""
    ecosystem.course, ecosystem.lessons = published_course()
    ecosystem.other_course, _ = published_course(
        "referral-basics", program=ecosystem.other_program, title="Referral basics"
    )


def _lesson(ecosystem: Any) -> dict[str, Any]:
    return {"slug": ecosystem.course.slug, "pk": ecosystem.lessons[0].pk}


RULES = [
    Rule("learning:my_learning", expect=LEARNER_PAGE),
    Rule("learning:catalog", expect=LEARNER_PAGE),
    Rule(
        "learning:course_detail",
        kwargs=lambda ecosystem: {"slug": ecosystem.course.slug},
        expect=LEARNER_PAGE,
    ),
    Rule(
        "learning:course_detail",
        # A course of a program the partners are not in does not exist for them.
        kwargs=lambda ecosystem: {"slug": ecosystem.other_course.slug},
        expect={
            **LEARNER_PAGE,
            **dict.fromkeys(
                [
                    "partner_a_admin",
                    "partner_a_rep",
                    "partner_a_second_rep",
                    "partner_b_rep",
                ],
                404,
            ),
        },
    ),
    Rule("learning:lesson_detail", kwargs=_lesson, expect=LEARNER_PAGE),
    Rule("learning:lesson_complete", kwargs=_lesson, expect=LEARNER_POST_ONLY),
]
