"""API representations of attachments and protection extension requests, and the
input of their writes.
"""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from cairn.deals.choices import ExtensionStatus
from cairn.deals.models import DealAttachment, DealExtensionRequest


class DealAttachmentSerializer(serializers.ModelSerializer[DealAttachment]):
    """A file attached to a registration; `download_url` sends its bytes."""

    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DealAttachment
        fields = (
            "id",
            "file_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "download_url",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.URLField())
    def get_download_url(self, attachment: DealAttachment) -> str:
        """Return the API address that downloads the file."""
        return reverse(
            "deal-registration-attachment",
            kwargs={"pk": attachment.registration_id, "attachment_pk": attachment.pk},
            request=self.context.get("request"),
        )


class DealExtensionRequestSerializer(serializers.ModelSerializer[DealExtensionRequest]):
    """A request for more protection time and its decision (never the person)."""

    class Meta:
        model = DealExtensionRequest
        fields = (
            "id",
            "status",
            "requested_at",
            "reason",
            "decided_at",
            "decision_reason",
            "days_granted",
            "previous_expires_at",
        )
        read_only_fields = fields


class AttachmentUploadSerializer(serializers.Serializer[Any]):
    """A file to attach, sent as multipart/form-data in the field `file`."""

    file = serializers.FileField(
        allow_empty_file=True,
        help_text="PDF, PNG, JPEG, plain text or CSV, docx, xlsx or pptx; at most "
        "10 MB. The type is read from the content, not the name.",
    )


class ExtensionRequestInputSerializer(serializers.Serializer[Any]):
    """The partner's reason for wanting more protection time."""

    reason = serializers.CharField(max_length=2000)


@extend_schema_field(
    {
        "type": "string",
        "enum": ["approve", "decline"],
        "description": "* `approve` - extend the protection\n"
        "* `decline` - keep the end date, with a reason",
    },
    component_name="ExtensionDecisionEnum",
)
class ExtensionDecisionField(serializers.ChoiceField):
    """The decision on an extension request, documented as its own named enum."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=["approve", "decline"], **kwargs)


class ExtensionDecisionInputSerializer(serializers.Serializer[Any]):
    """A reviewer's decision on a pending extension request of the registration."""

    extension = serializers.IntegerField(help_text="The extension request's id.")
    decision = ExtensionDecisionField()
    days = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=365,
        help_text="Days to add when approving; the program's extension days if "
        "left out, at most the program's cap.",
    )
    reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Needed to decline; the partner reads it.",
    )


EXTENSION_STATUS_HELP = "\n".join(
    f"* `{value}` - {label}" for value, label in ExtensionStatus.choices
)
