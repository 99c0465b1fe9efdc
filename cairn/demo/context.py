"""What every step of the demo generator shares: seed, clock and the rows so far."""

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import models

from cairn.accounts.models import User
from cairn.demo import data
from cairn.partners.models import Industry, Program, Specialization, Tier

BATCH_SIZE = 2000


@dataclass
class GenerationContext:
    """Hold the seed, the moment of the run and the rows the earlier steps made."""

    seed: int
    now: datetime.datetime
    names: data.NamePools
    password: str = ""
    specializations: list[Specialization] = field(default_factory=list)
    industries: list[Industry] = field(default_factory=list)
    programs: dict[str, Program] = field(default_factory=dict)
    tiers: dict[str, list[Tier]] = field(default_factory=dict)
    vendor_admins: list[User] = field(default_factory=list)
    program_managers: dict[str, User] = field(default_factory=dict)
    regional_managers: dict[str, list[User]] = field(default_factory=dict)

    def rng(self, purpose: str) -> random.Random:
        """Return the random stream of one purpose of this seed."""
        # One stream per purpose: changing how users are made leaves the
        # organizations of a seed as they were.
        return random.Random(f"{self.seed}:{purpose}")  # noqa: S311 - not a secret


def bulk_save(model: type[models.Model], rows: Sequence[models.Model]) -> None:
    """Insert unsaved rows of one model in batches."""
    model._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
