"""Create LRS credentials from the command line (for operators and the conformance
suite); prints the key and the secret, which is shown only this once.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cairn.lrs.choices import ClientScope
from cairn.lrs.services.clients import create_lrs_client


class Command(BaseCommand):
    help = "Create an LRS client (HTTP Basic key and secret) and print both."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--scope",
            action="append",
            choices=ClientScope.values,
            help="Repeat for several scopes (default: all).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            client, secret = create_lrs_client(
                name=options["name"],
                scopes=options["scope"] or [ClientScope.ALL],
                actor=None,
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"key={client.key}\nsecret={secret}\n")
