"""Conflict detection at submission: blocking keys, key locks, candidates, matching.

Why two partners submitting the same customer at the same moment are both detected:

A check that only reads would miss it. Under PostgreSQL's READ COMMITTED each
transaction sees the other's rows only once they commit, so two concurrent
submissions would each find no earlier claim and both commit "conflict-free".
Locking the candidate rows (SELECT ... FOR UPDATE) does not help either: the rival's
row does not exist yet for this transaction, and rows that do not exist cannot be
locked.

So the submission first locks its blocking keys, the same keys the candidate search
uses, with transaction-level advisory locks taken in sorted order (one global order,
so two submissions never wait for each other crosswise: no deadlock). Two submissions
that could match share at least one key, so the second waits on that key until the
first commits; its next statement then sees the first's registration and match keys
(READ COMMITTED takes a fresh snapshot per statement), and it records the conflict
with the first as the earlier claim. Whoever passes the lock first commits first and
is first: its `submitted_at` is taken after the lock, so the recorded times agree with
the commit order.

On SQLite the database lets one write transaction run at a time (Cairn opens every
transaction IMMEDIATE), so submissions are already serialized in commit order and no
further lock is needed.
"""

import zlib
from typing import Any

from django.db import connection, transaction
from django.db.models import Prefetch, Q

from cairn.deals.choices import OPEN_STATUSES
from cairn.deals.facts import (
    facts_of_direct_opportunity,
    facts_of_registration,
    facts_of_registration_row,
)
from cairn.deals.matching import DealFacts, blocking_keys, compare, is_conflict
from cairn.deals.models import (
    DealConflict,
    DealLine,
    DealMatchKey,
    DealRegistration,
    DirectOpportunity,
)

# First argument of the two-key form of pg_advisory_xact_lock: keeps these locks
# apart from any other advisory locks of the database.
ADVISORY_LOCK_NAMESPACE = 0x0DEA1
# How many locks the blocking keys share (see lock_keys).
LOCK_BUCKETS = 1024


def lock_bucket(key: str) -> int:
    """Return the lock a blocking key shares with the keys of its bucket."""
    return zlib.crc32(key.encode()) % LOCK_BUCKETS


# Largest bucket a blocking key may fetch alone. Every candidate costs a row, its
# lines and a comparison (about 40 µs in all); bench/deal_conflicts.py measured the
# check at 1,000,000 registrations with this limit (docs/performance.md).
MAX_KEY_BUCKET = 300
# The fields of a registration that facts_of_registration reads.
CANDIDATE_FIELDS = (
    "organization_id", "customer_name", "customer_domain", "contact_email", "country",
    "city", "postal_code", "latitude", "longitude", "expected_close_date",
    "submitted_at", "match_name", "match_domain", "match_email_domain",
)  # fmt: skip


# The registration's stored normalized facts (see remember_match_facts).
MATCH_FACT_FIELDS = ("match_name", "match_domain", "match_email_domain")


def lock_keys(keys: set[str]) -> None:
    """Hold a lock on each blocking key (its bucket) until the transaction ends.

    Keys share LOCK_BUCKETS locks, taken in bucket order: a transaction that
    registers thousands of rows (an all-or-nothing import) then holds at most
    LOCK_BUCKETS locks, within PostgreSQL's lock table (max_locks_per_transaction),
    where one lock per key would exhaust it. Two unrelated keys in one bucket only
    make one submission wait for the other.
    """
    if connection.vendor != "postgresql":
        return  # SQLite runs one write transaction at a time
    buckets = sorted({lock_bucket(key) for key in keys})
    with connection.cursor() as cursor:
        # One round trip: unnest yields the buckets in the array's (sorted) order
        # and the locks are taken row by row in that order.
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, bucket) "
            "FROM unnest(%s::integer[]) AS bucket",
            [ADVISORY_LOCK_NAMESPACE, buckets],
        )


def split_stop_keys(keys: set[str]) -> tuple[set[str], set[str]]:
    """Return (selective keys, stop keys): a stop key is shared by more than
    `MAX_KEY_BUCKET` registrations and direct opportunities, a name word such as
    "foods" or "summit", or a busy postal code.

    Domain keys are never stop keys: every registration under a domain label is a
    claim on that customer, or on a namesake, and must be compared.
    """
    countable = sorted(key for key in keys if not key.startswith("d:"))
    if not countable:
        return set(keys), set()
    table = DealMatchKey._meta.db_table
    # One row of capped counts: each bucket is read through the key index up to
    # one row past the limit, never whole. The SQL holds the model's table name
    # and placeholders only.
    counts_sql = ", ".join(
        f"(SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE key = %s LIMIT %s) b{i})"  # noqa: S608
        for i in range(len(countable))
    )
    params: list[Any] = []
    for key in countable:
        params += [key, MAX_KEY_BUCKET + 1]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts_sql}", params)
        counts = cursor.fetchone()
    stop = {
        key
        for key, count in zip(countable, counts, strict=True)
        if count > MAX_KEY_BUCKET
    }
    return set(keys) - stop, stop


def candidate_key_rows(keys: set[str]) -> Any:
    """Return the match keys through which a registration's candidates are found:
    those of its selective keys. A stop key alone would fetch thousands of
    registrations that share one common word with it; the registrations it would
    rightly find share a selective key too (the name's skeleton, another word, the
    domain or the postal code), which bench/deal_conflicts.py measures as recall.
    """
    selective, _ = split_stop_keys(keys)
    return DealMatchKey.objects.filter(key__in=selective)


def replace_match_keys(
    keys: set[str],
    *,
    registration: DealRegistration | None = None,
    direct_opportunity: DirectOpportunity | None = None,
) -> None:
    """Store exactly these blocking keys for one registration or direct opportunity."""
    owner: dict[str, Any] = (
        {"registration": registration}
        if registration is not None
        else {"direct_opportunity": direct_opportunity}
    )
    DealMatchKey.objects.filter(**owner).delete()
    DealMatchKey.objects.bulk_create(
        DealMatchKey(key=key, **owner) for key in sorted(keys)
    )


def _already_paired(registration: DealRegistration) -> tuple[set[int], set[int]]:
    """Return the registrations and direct opportunities already paired with this
    one (one query).
    """
    earlier: set[int] = set()
    directs: set[int] = set()
    pairs = DealConflict.objects.filter(
        Q(registration=registration) | Q(other_registration=registration)
    ).values_list("registration_id", "other_registration_id", "direct_opportunity_id")
    for registration_id, other_id, direct_id in pairs:
        if registration_id == registration.pk:
            if other_id:
                earlier.add(other_id)
            if direct_id:
                directs.add(direct_id)
        else:
            earlier.add(registration_id)
    return earlier, directs


def remember_match_facts(registration: DealRegistration, facts: DealFacts) -> None:
    """Keep the normalized name and domains of these facts on the registration
    (unsaved), for the checks that will read it as a candidate.
    """
    registration.match_name = facts.name_text
    registration.match_domain = facts.domain
    registration.match_email_domain = facts.email_domain


def detect_conflicts(registration: DealRegistration) -> list[DealConflict]:
    """Lock and store the registration's blocking keys, then return (unsaved) its
    conflicts with the open registrations of every partner and the open direct
    opportunities that share a key; pairs already recorded are not repeated.

    The registration's normalized facts are set on it for the caller to save with
    the submission (see `remember_match_facts`).
    """
    registration.forget_match_facts()  # normalized again from the fields as they are
    facts = facts_of_registration(registration)
    remember_match_facts(registration, facts)
    keys = set(blocking_keys(facts))
    lock_keys(keys)
    replace_match_keys(keys, registration=registration)
    paired_registrations, paired_directs = _already_paired(registration)
    matching_keys = candidate_key_rows(keys)
    # Values, not model instances: a check reads up to a few hundred candidates,
    # and building a model and a related manager for each cost more than the
    # comparison itself (bench/deal_conflicts.py).
    candidates = list(
        DealRegistration.objects.filter(
            status__in=OPEN_STATUSES,
            pk__in=matching_keys.filter(registration__isnull=False).values(
                "registration_id"
            ),
        )
        .exclude(pk=registration.pk)
        .exclude(pk__in=paired_registrations)
        .order_by("submitted_at", "pk")
        .values("pk", *CANDIDATE_FIELDS)
    )
    products: dict[int, set[str]] = {}
    for registration_id, code in DealLine.objects.filter(
        registration_id__in=[row["pk"] for row in candidates]
    ).values_list("registration_id", "product_code"):
        products.setdefault(registration_id, set()).add(code)
    directs = (
        DirectOpportunity.objects.filter(
            is_open=True,
            pk__in=matching_keys.filter(direct_opportunity__isnull=False).values(
                "direct_opportunity_id"
            ),
        )
        .exclude(pk__in=paired_directs)
        .order_by("pk")
    )
    conflicts: list[DealConflict] = []
    for row in candidates:
        candidate = facts_of_registration_row(
            row, frozenset(products.get(row["pk"], ()))
        )
        match = compare(facts, candidate)
        if match is not None and is_conflict(match):
            conflicts.append(
                _conflict(registration, match, other_registration_id=row["pk"])
            )
    for direct in directs:
        match = compare(facts, facts_of_direct_opportunity(direct))
        if match is not None and is_conflict(match):
            conflicts.append(_conflict(registration, match, direct_opportunity=direct))
    return conflicts


def _conflict(registration: DealRegistration, match: Any, **other: Any) -> DealConflict:
    return DealConflict(
        registration=registration,
        score=float(match.score),
        reasons=[reason_as_json(reason) for reason in match.reasons]
        + [
            reason_as_json(reason, is_counter=True)
            for reason in getattr(match, "counter_reasons", ())
        ],
        **other,
    )


def reason_as_json(reason: Any, *, is_counter: bool = False) -> dict[str, Any]:
    """Return one reason of the matcher as stored JSON: its code, the message a
    partner may read and the detail only the vendor sees.

    Counter-evidence (reasons that lowered the score) is stored for the vendor and
    never shown to partners: it would hint at the other side.
    """
    return {
        "code": str(reason.code),
        "message": "" if is_counter else str(reason.partner_message),
        "detail": str(reason.detail),
        "points": int(reason.points),
        "is_counter": is_counter,
    }


def refresh_match_keys(*, batch_size: int = 2_000) -> int:
    """Recompute the blocking keys and stored normalized facts of every open
    registration and the keys of every open direct opportunity, a batch per
    transaction; return how many were re-keyed.

    Run after an upgrade that changes how names are normalized (`manage.py
    deals_rekey`): keys and names stored by the earlier version would otherwise no
    longer meet the keys that new registrations look up, nor compare alike.
    """
    refreshed = 0
    registrations = (
        DealRegistration.objects.filter(status__in=OPEN_STATUSES)
        .only(*CANDIDATE_FIELDS)
        .prefetch_related(
            Prefetch("lines", DealLine.objects.only("registration_id", "product_code"))
        )
        .order_by("pk")
    )
    last_pk = 0
    while True:
        with transaction.atomic():
            # Locked: a registration changed meanwhile (update_draft) must not get
            # the facts of its former fields.
            batch = list(
                registrations.select_for_update(of=("self",)).filter(pk__gt=last_pk)[
                    :batch_size
                ]
            )
            if not batch:
                break
            keys: list[DealMatchKey] = []
            for registration in batch:
                registration.forget_match_facts()
                facts = facts_of_registration(registration)
                remember_match_facts(registration, facts)
                keys += (
                    DealMatchKey(key=key, registration=registration)
                    for key in sorted(blocking_keys(facts))
                )
            DealMatchKey.objects.filter(registration__in=batch).delete()
            DealMatchKey.objects.bulk_create(keys)
            DealRegistration.objects.bulk_update(batch, MATCH_FACT_FIELDS)
        refreshed += len(batch)
        last_pk = batch[-1].pk
    for opportunity in DirectOpportunity.objects.filter(is_open=True).iterator():
        with transaction.atomic():
            replace_match_keys(
                set(blocking_keys(facts_of_direct_opportunity(opportunity))),
                direct_opportunity=opportunity,
            )
        refreshed += 1
    return refreshed
