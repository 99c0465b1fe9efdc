"""django-allauth hooks."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.http import HttpRequest

from cairn.accounts import services


class AccountAdapter(DefaultAccountAdapter):
    """Cairn's account adapter: a verified work address can join its organization."""

    def confirm_email(self, request: HttpRequest, email_address: EmailAddress) -> bool:
        """Mark the address verified, then join the organization owning its domain.

        allauth calls this hook for link and code verification alike, which makes it
        the one place where "this person controls this address" becomes true.
        """
        confirmed: bool = super().confirm_email(request, email_address)
        user: Any = email_address.user
        if confirmed and user.email.lower() == email_address.email.lower():
            services.join_organization_by_domain(user)
        return confirmed
