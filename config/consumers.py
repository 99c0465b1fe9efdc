"""Every consumer of activity events, in one place.

Each runs as its own background task after the event's transaction commits. Apps
never call each other's consumers directly; they add a line here.
"""

from cairn.core.consumers import Consumer

CONSUMERS: list[Consumer] = [
    Consumer("cairn.partners.consumers.mark_organization_active"),
    # People who join an organization are enrolled by the learning rules.
    Consumer(
        "cairn.learning.consumers.enroll_joining_user",
        verbs=(
            "invitation.accepted",
            "user.joined_by_domain",
            "user.role_changed",
            "user.job_function_changed",
        ),
    ),
    # Learning events become statements in Cairn's LRS.
    Consumer("cairn.lrs.consumers.store_learning_statement", verbs=("learning.*",)),
    # A cmi5 AU's result in the LRS becomes the learner's progress.
    Consumer("cairn.learning.consumers.sync_cmi5_result", verbs=("lrs.cmi5_result",)),
]
