"""The Learning Record Store: clients, statements, their filter keys, attachments,
activities and documents.

Statements are stored once, as received and completed (id, stored, authority,
version), and never changed afterwards; only the `is_voided` mark of a statement that a
later voiding statement targets is set. Every filter of the statements resource reads
`StatementKey` rows, one per value a statement can be found by (see `cairn.lrs.keys`).
"""

import hashlib
from typing import Any

import orjson
from django.conf import settings
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Q
from django.utils import timezone
from psycopg.types.json import Json

from cairn.lrs.choices import DocumentKind


def hash_secret(secret: str) -> str:
    """Return the digest a client secret is stored as (it is random, not chosen)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class LRSClient(models.Model):
    """Credentials an xAPI client signs its requests with (HTTP Basic key and secret).

    A client belongs to the whole vendor, to one program or to one partner
    organization; its authority (an Agent with an account on Cairn) is recorded on
    every statement it writes. The secret is shown once and stored hashed.
    """

    name = models.CharField(max_length=100)
    key = models.CharField(max_length=40, unique=True)
    secret_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    program = models.ForeignKey(
        "partners.Program",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    organization = models.ForeignKey(
        "partners.PartnerOrganization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    authority = models.JSONField(
        help_text="The Agent recorded as the authority of this client's statements."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(program__isnull=True) | Q(organization__isnull=True),
                name="lrs_client_program_or_organization",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"

    @property
    def is_active(self) -> bool:
        """Say whether the client may still sign requests."""
        return self.revoked_at is None


class JSONTextField(models.JSONField):
    """JSON kept as its text: PostgreSQL's json type rather than jsonb.

    A statement is written once and read whole, never searched inside (its filter
    values are `StatementKey` rows), so jsonb's conversion to its binary form on
    every insert and back to text on every read bought nothing; it was a tenth of
    the database's work in a batch. The text is what orjson wrote, in the order
    the statement was received. Other databases store JSON as text anyway.
    """

    def db_type(self, connection: BaseDatabaseWrapper) -> str | None:
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)

    def get_db_prep_value(
        self, value: Any, connection: BaseDatabaseWrapper, prepared: bool = False
    ) -> Any:
        if connection.vendor == "postgresql" and value is not None:
            if not prepared:
                value = self.get_prep_value(value)
            return Json(value, dumps=_dumps_text)
        return super().get_db_prep_value(value, connection, prepared)

    def from_db_value(
        self, value: Any, expression: Any, connection: BaseDatabaseWrapper
    ) -> Any:
        # PostgreSQL's driver has parsed a json column already (with orjson, see
        # LrsConfig.ready); elsewhere the text arrives.
        if isinstance(value, str | bytes):
            try:
                return orjson.loads(value)
            except orjson.JSONDecodeError:
                return value
        return value


def _dumps_text(value: Any) -> str:
    return orjson.dumps(value).decode()


class Statement(models.Model):
    """One xAPI statement, immutable once stored."""

    id = models.BigAutoField(primary_key=True)
    statement_id = models.UUIDField(unique=True)
    stored = models.DateTimeField()
    # The id of the statement this one's object refers to (a StatementRef), so that
    # a statement stored after the one referring to it can pass its keys on.
    ref_target = models.UUIDField(null=True, blank=True)
    is_voiding = models.BooleanField(default=False)
    is_voided = models.BooleanField(default=False)
    client = models.ForeignKey(
        LRSClient, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payload = JSONTextField()

    class Meta:
        indexes = [
            models.Index(fields=["-stored", "-id"], name="lrs_statement_stored_idx"),
            models.Index(
                fields=["ref_target"],
                name="lrs_statement_ref_target_idx",
                condition=Q(ref_target__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return str(self.statement_id)


class KeyField(models.CharField):  # type: ignore[type-arg]
    """Text compared byte by byte: PostgreSQL's "C" collation (SQLite's default).

    Keys are only ever matched for equality, and every key row inserted descends
    the primary key through a few dozen comparisons of long IRIs; the database's
    locale-aware collation made those a tenth of a batch's work.
    """

    def db_parameters(self, connection: BaseDatabaseWrapper) -> dict[str, Any]:
        parameters = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            parameters["collation"] = "C"
        return parameters


class StatementKey(models.Model):
    """One value a statement is found by: an agent, an activity, a verb, a
    registration, directly or as a related one (see `cairn.lrs.keys`).

    `stored` is the statement's, copied so that a filter reads its keys in the
    order of the answer and stops at the page's end. The reference to the statement
    has neither a database constraint nor an index: only the ingestion service
    writes keys, in the transaction that writes their statement, and checking and
    indexing a batch's thousands of keys cost a third of the database's work. Keys
    are only read through the primary key; the keys of one statement are computed
    from its payload.
    """

    pk = models.CompositePrimaryKey("key", "stored", "statement")
    key = KeyField(max_length=255)
    stored = models.DateTimeField()
    statement = models.ForeignKey(
        Statement,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )

    def __str__(self) -> str:
        return str(self.key)


class PendingReference(models.Model):
    """A statement whose StatementRef target was not stored yet when it was.

    The target, once stored, passes its keys to the statement (xAPI: a statement
    meets the filters its target meets). Looking the few waiting statements up here
    spares every batch a search among all statements' targets.
    """

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="+")
    target = models.UUIDField(db_index=True)

    def __str__(self) -> str:
        return f"{self.statement_id} → {self.target}"


class StatementAttachment(models.Model):
    """The raw content of an attachment, stored once by its SHA-256."""

    sha2 = models.CharField(max_length=128, primary_key=True)
    content_type = models.CharField(max_length=255)
    content = models.BinaryField()
    stored = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.sha2


class Activity(models.Model):
    """The canonical definition of an activity, as the latest statement gave it."""

    activity_id = models.CharField(max_length=2048, unique=True)
    definition = models.JSONField(default=dict)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.activity_id


class Document(models.Model):
    """A document of the state, activity profile or agent profile resource."""

    # One document per kind, activity, agent, registration and id: their digest is
    # unique, as the five together are too long for an index.
    scope_hash = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    activity_id = models.CharField(max_length=2048, blank=True)
    agent_key = models.CharField(max_length=255, blank=True)
    registration = models.UUIDField(null=True, blank=True)
    document_id = models.CharField(max_length=2048)
    content_type = models.CharField(max_length=255)
    content = models.BinaryField()
    etag = models.CharField(max_length=64)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(
                fields=["kind", "activity_id", "agent_key", "registration"],
                name="lrs_document_scope_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.document_id}"

    @property
    def is_json(self) -> bool:
        """Say whether the document's content is JSON (and so can be merged)."""
        return self.content_type.split(";")[0].strip() == "application/json"


class StatementForwarding(models.Model):
    """Copy the statements of one program's clients to an external LRS.

    Statements are sent in the order they were stored, from `last_forwarded_id` on;
    a failed delivery is retried later with a growing delay, so a remote LRS that
    is down loses nothing. The remote password is stored encrypted (it has to be
    sent), with a key derived from the site's secret key.
    """

    program = models.OneToOneField(
        "partners.Program", on_delete=models.CASCADE, related_name="+"
    )
    endpoint = models.URLField(help_text="The remote LRS's xAPI base address.")
    username = models.CharField(max_length=200)
    password_encrypted = models.TextField()
    is_active = models.BooleanField(default=True)
    last_forwarded_id = models.BigIntegerField(default=0)
    forwarded_count = models.BigIntegerField(default=0)
    failed_attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.program_id} → {self.endpoint}"


class LaunchSession(models.Model):
    """A cmi5 launch of an assignable unit: the one-time fetch URL and the
    short-lived credentials it hands out, good for one learner, one registration
    and one AU only.

    The fetch token and the secret are random and stored hashed; the key names the
    session in the Basic credentials (`<key>:<secret>`).
    """

    session_id = models.UUIDField(unique=True)
    client = models.ForeignKey(LRSClient, on_delete=models.PROTECT, related_name="+")
    fetch_token_hash = models.CharField(max_length=64, unique=True)
    key = models.CharField(max_length=40, unique=True)
    secret_hash = models.CharField(max_length=64, blank=True)
    actor = models.JSONField(help_text="The learner's Agent, as the AU was given it.")
    actor_key = models.CharField(max_length=255)
    registration = models.UUIDField()
    activity_id = models.CharField(max_length=2048)
    mastery_score = models.DecimalField(
        max_digits=5, decimal_places=4, null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    fetched_at = models.DateTimeField(null=True, blank=True)
    terminated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["registration"], name="lrs_launch_registration_idx"),
        ]

    def __str__(self) -> str:
        return f"cmi5 session {self.session_id}"
