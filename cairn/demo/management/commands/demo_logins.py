"""`manage.py demo_logins`: print the site address and a login per persona."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import NoReverseMatch, reverse

from cairn.demo.blueprint import DEMO_PASSWORD
from cairn.demo.personas import demo_personas


class Command(BaseCommand):
    help = "Print the site address and one login per persona of the demo ecosystem."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = demo_personas()
        if not logins:
            raise CommandError(
                "No demo ecosystem in this database: run `manage.py seed_demo` first."
            )
        site = settings.SITE_URL.rstrip("/")
        try:
            sign_in = f"{site}{reverse('account_login')}"
        except NoReverseMatch:
            sign_in = f"{site}/"
        label_width = max(len(login.label) for login in logins)
        email_width = max(len(login.email) for login in logins)
        lines = [
            "",
            f"  Cairn is running at {site}/",
            f"  Sign in at {sign_in} as any of these personas:",
            "",
            f"    {'Persona':<{label_width}}  {'Email':<{email_width}}  Password",
        ]
        lines += [
            f"    {login.label:<{label_width}}  {login.email:<{email_width}}  "
            f"{DEMO_PASSWORD}"
            for login in logins
        ]
        lines.append("")
        self.stdout.write("\n".join(lines))
