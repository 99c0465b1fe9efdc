"""The one way an attachment's bytes leave Cairn, for the portal and the API."""

from django.http import FileResponse, HttpResponseBase
from django.utils.cache import patch_cache_control

from cairn.deals.models import DealAttachment


def download_response(attachment: DealAttachment) -> HttpResponseBase:
    """Return the attachment as a download the browser will neither sniff nor run.

    The caller has checked access; the type is the one the content was checked to
    be, and the name is the sanitized one.
    """
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.file_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    patch_cache_control(response, private=True, no_store=True)
    return response
