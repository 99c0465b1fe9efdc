"""Every write of the partners app."""

import datetime

from cairn.partners.models import PartnerOrganization


def touch_organization_activity(organization_id: int, *, at: datetime.datetime) -> None:
    """Move the organization's last activity time forward to `at`."""
    from django.db.models import Q

    PartnerOrganization.objects.filter(pk=organization_id).filter(
        Q(last_active_at__isnull=True) | Q(last_active_at__lt=at)
    ).update(last_active_at=at)
