"""Authorization rules of the assessment pages: partner people take assessments
and see only their own attempts; the learner and their evaluators see evidence;
vendor staff evaluate and read item analysis in the console.
"""

from typing import Any

from cairn.core.authz import SIGN_IN, Rule, same_for_all
from cairn.learning.services.assessments import (
    add_evidence,
    start_attempt,
    submit_attempt,
)
from cairn.learning.tests.support_assessments import (
    PDF,
    choice,
    practical,
    quiz,
    upload,
)

LEARNER_PAGE = same_for_all(
    200, vendor_admin=403, channel_manager=403, anonymous=SIGN_IN
)
LEARNER_POST_ONLY = same_for_all(
    405, vendor_admin=403, channel_manager=403, anonymous=SIGN_IN
)
# partner A rep's own attempt: every other partner person is told it does not exist.
OWN_ATTEMPT = same_for_all(
    404,
    partner_a_rep=200,
    vendor_admin=403,
    channel_manager=403,
    anonymous=SIGN_IN,
)
CONSOLE_PAGE = same_for_all(
    403, vendor_admin=200, channel_manager=200, anonymous=SIGN_IN
)


def prepare(ecosystem: Any) -> None:
    """Give partner A's rep an attempt in progress, a graded one and a practical
    attempt with evidence awaiting evaluation.
    """
    rep = ecosystem.partner_a_rep
    question = choice("Which layer routes?", [("Network", True), ("Link", False)])
    ecosystem.quiz = quiz([question], title="Routing check")
    ecosystem.open_attempt = start_attempt(ecosystem.quiz, actor=rep)
    done = start_attempt(quiz([question], title="Routing recap"), actor=rep)
    ecosystem.done_attempt = submit_attempt(done, actor=rep)
    attempt = start_attempt(practical([("Design", 10)]), actor=rep)
    ecosystem.evidence = add_evidence(attempt, upload("design.pdf", PDF), actor=rep)
    ecosystem.practical_attempt = submit_attempt(attempt, actor=rep)


def _pk(name: str) -> Any:
    return lambda ecosystem: {"pk": getattr(ecosystem, name).pk}


RULES = [
    Rule("learning:assessment_detail", kwargs=_pk("quiz"), expect=LEARNER_PAGE),
    Rule("learning:assessment_start", kwargs=_pk("quiz"), expect=LEARNER_POST_ONLY),
    Rule("learning:attempt_detail", kwargs=_pk("open_attempt"), expect=OWN_ATTEMPT),
    Rule(
        "learning:attempt_submit",
        kwargs=_pk("open_attempt"),
        expect=LEARNER_POST_ONLY,
    ),
    Rule("learning:attempt_result", kwargs=_pk("done_attempt"), expect=OWN_ATTEMPT),
    Rule(
        "learning:evidence_upload",
        kwargs=_pk("practical_attempt"),
        expect=LEARNER_POST_ONLY,
    ),
    Rule(
        "learning:evidence_download",
        kwargs=_pk("evidence"),
        # The learner and those who may evaluate them (the channel manager manages
        # partner A's program); nobody else learns the file exists.
        expect=same_for_all(
            404,
            partner_a_rep=200,
            vendor_admin=200,
            channel_manager=200,
            anonymous=SIGN_IN,
        ),
    ),
    Rule("learning:evaluation_queue", expect=CONSOLE_PAGE),
    Rule(
        "learning:evaluation_detail",
        kwargs=_pk("practical_attempt"),
        expect=CONSOLE_PAGE,
    ),
    Rule("learning:assessment_analysis", kwargs=_pk("quiz"), expect=CONSOLE_PAGE),
]
