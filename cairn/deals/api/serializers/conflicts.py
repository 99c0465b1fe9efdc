"""API representations of a registration's status history and its conflicts."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cairn.deals.choices import ConflictDecision, ConflictStatus

CONFLICT_STATUS_HELP = (
    f"{ConflictStatus.OPEN}: waiting for a decision (again, after an appeal); "
    f"{ConflictStatus.RESOLVED}: decided."
)


class HistoryStepSerializer(serializers.Serializer[Any]):
    """One step of the status history: when, to what, and the role that decided
    (never the person).
    """

    at = serializers.DateTimeField(read_only=True)
    from_status = serializers.CharField(
        read_only=True, help_text="A registration status; empty for the first step."
    )
    to_status = serializers.CharField(
        read_only=True,
        help_text="A registration status; the same as `from_status` for a note "
        "such as an escalation.",
    )
    role = serializers.CharField(source="role_label", read_only=True)
    reason = serializers.CharField(read_only=True)


class PartnerReasonSerializer(serializers.Serializer[Any]):
    """A reason code with the message a partner may read."""

    code = serializers.CharField(read_only=True)
    message = serializers.CharField(read_only=True)


class PartnerConflictSerializer(serializers.Serializer[Any]):
    """A possible conflict as the partner sees it: the reasons, nothing of the
    other party.
    """

    id = serializers.IntegerField(source="pk", read_only=True)
    is_earlier_claim = serializers.BooleanField(
        read_only=True,
        help_text="True when this registration was the earlier claim of the pair.",
    )
    status = serializers.CharField(read_only=True, help_text=CONFLICT_STATUS_HELP)
    score = serializers.FloatField(read_only=True)
    reasons = PartnerReasonSerializer(many=True, read_only=True)
    decision = serializers.ChoiceField(
        choices=[("", ""), *ConflictDecision.choices], read_only=True
    )
    decision_reason = serializers.CharField(read_only=True)
    appeal_note = serializers.CharField(read_only=True)
    can_appeal = serializers.BooleanField(read_only=True)


class VendorReasonSerializer(serializers.Serializer[Any]):
    """A reason with the detail that names both sides, for the vendor's staff."""

    code = serializers.CharField(read_only=True)
    message = serializers.CharField(read_only=True)
    detail = serializers.CharField(read_only=True)
    points = serializers.IntegerField(read_only=True)
    is_counter = serializers.BooleanField(
        read_only=True, help_text="Counter-evidence: it lowered the score."
    )


class EarlierClaimSerializer(serializers.Serializer[Any]):
    """The other side of a conflict: another registration or a direct opportunity."""

    kind = serializers.ChoiceField(
        choices=[("registration", "registration"), ("direct", "direct")],
        read_only=True,
    )
    id = serializers.IntegerField(read_only=True)
    organization_name = serializers.CharField(read_only=True)
    company_name = serializers.CharField(read_only=True)
    domain = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    external_id = serializers.CharField(read_only=True)
    owner_name = serializers.CharField(read_only=True)


class VendorConflictSerializer(serializers.Serializer[Any]):
    """Both sides of a conflict for the vendor's staff, with every reason's detail."""

    id = serializers.IntegerField(source="conflict.pk", read_only=True)
    registration = serializers.IntegerField(source="later.pk", read_only=True)
    status = serializers.CharField(
        source="conflict.status", read_only=True, help_text=CONFLICT_STATUS_HELP
    )
    score = serializers.FloatField(source="conflict.score", read_only=True)
    reasons = VendorReasonSerializer(many=True, read_only=True)
    earlier_claim = serializers.SerializerMethodField()
    decision = serializers.ChoiceField(
        source="conflict.decision",
        choices=[("", ""), *ConflictDecision.choices],
        read_only=True,
    )
    decision_reason = serializers.CharField(
        source="conflict.decision_reason", read_only=True
    )
    decided_at = serializers.DateTimeField(
        source="conflict.decided_at", read_only=True, allow_null=True
    )
    appeal_note = serializers.CharField(source="conflict.appeal_note", read_only=True)
    appealed_at = serializers.DateTimeField(
        source="conflict.appealed_at", read_only=True, allow_null=True
    )
    can_resolve = serializers.BooleanField(read_only=True)

    @extend_schema_field(EarlierClaimSerializer)
    def get_earlier_claim(self, view: Any) -> dict[str, Any]:
        blank = dict.fromkeys(
            ("organization_name", "status", "external_id", "owner_name"), ""
        )
        if view.earlier_registration is not None:
            earlier = view.earlier_registration
            return EarlierClaimSerializer(
                {
                    **blank,
                    "kind": "registration",
                    "id": earlier.pk,
                    "organization_name": earlier.organization.name,
                    "company_name": earlier.customer_name,
                    "domain": earlier.customer_domain,
                    "status": earlier.status,
                    "submitted_at": earlier.submitted_at,
                }
            ).data
        direct = view.earlier_direct
        return EarlierClaimSerializer(
            {
                **blank,
                "kind": "direct",
                "id": direct.pk,
                "company_name": direct.company_name,
                "domain": direct.domain,
                "status": "open" if direct.is_open else "closed",
                "submitted_at": None,
                "external_id": direct.external_id,
                "owner_name": direct.owner_name,
            }
        ).data


class AppealInputSerializer(serializers.Serializer[Any]):
    """An appeal of a conflict's decision, with the partner's note."""

    conflict = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="The conflict's id."
    )
    note = serializers.CharField(max_length=5000)


class ResolveConflictInputSerializer(serializers.Serializer[Any]):
    """A channel manager's decision on a conflict, with a recorded reason."""

    conflict = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="The conflict's id."
    )
    decision = serializers.ChoiceField(choices=ConflictDecision.choices)
    reason = serializers.CharField(max_length=5000)
