"""Generate the demo's people: vendor staff and the users of partner organizations."""

import datetime
import random
from collections.abc import Sequence

from allauth.account.models import EmailAddress

from cairn.accounts.models import User
from cairn.core.roles import Role
from cairn.demo import blueprint, data
from cairn.demo.context import GenerationContext, bulk_save
from cairn.demo.plan import PlannedOrganization


def generate_vendor_staff(context: GenerationContext) -> int:
    """Create the vendor admins and channel managers; return how many are new."""
    rng = context.rng("vendor")
    people: list[tuple[str, str, str, str, str]] = [
        # (email, full name, role, job title, what they manage)
        (blueprint.VENDOR_ADMIN_EMAIL, "Avery Stone", Role.VENDOR_ADMIN,
         "Head of Partner Operations", ""),
        (blueprint.CHANNEL_MANAGER_EMAIL, "Casey Morgan", Role.CHANNEL_MANAGER,
         "Channel Account Manager", f"program:{blueprint.PERSONA_PROGRAM}"),
    ]  # fmt: skip
    taken = {email.partition("@")[0] for email, *_ in people}
    for role, title, sources, manages in blueprint.VENDOR_STAFF:
        given, family = context.names.person(rng, sources)
        local = blueprint.local_part(given, family, "first.last", taken)
        taken.add(local)
        email = f"{local}@{blueprint.VENDOR_DOMAIN}"
        people.append((email, f"{given} {family}", role, title, manages))
    # Reuse staff who already exist (say, an admin made by createsuperuser).
    by_email = {
        user.email: user
        for user in User.objects.filter(email__in=[p[0] for p in people])
    }
    new_users = [
        User(
            email=email,
            full_name=full_name,
            role=role,
            job_title=title,
            is_staff=role == Role.VENDOR_ADMIN,
            is_superuser=role == Role.VENDOR_ADMIN,
            password=context.password,
            date_joined=context.now - datetime.timedelta(days=rng.randint(400, 1500)),
            last_login=context.now - datetime.timedelta(hours=rng.randint(1, 72)),
        )
        for email, full_name, role, title, _ in people
        if email not in by_email
    ]
    bulk_save(User, new_users)
    _verify_emails(new_users)
    by_email.update({user.email: user for user in new_users})
    for email, _, role, _, manages in people:
        user = by_email[email]
        kind, _, key = manages.partition(":")
        if role == Role.VENDOR_ADMIN:
            context.vendor_admins.append(user)
        elif kind == "program":
            context.program_managers[key] = user
            context.programs[key].managers.add(user)
        elif kind == "region":
            context.regional_managers.setdefault(key, []).append(user)
    return len(new_users)


def generate_partner_users(
    context: GenerationContext, orgs: list[PlannedOrganization], total: int
) -> int:
    """Create `total` partner users, shared out by organization size.

    Each organization's planned activity gets its actors here, so that the history
    step can write it.
    """
    rng = context.rng("users")
    words = data.vocabulary()
    weights = [blueprint.SIZES[org.obj.size][1] for org in orgs]
    counts = blueprint.allocate(total, weights)
    for index, (org, count) in enumerate(zip(orgs, counts, strict=True)):
        personas = (
            [blueprint.PARTNER_ADMIN_LOCAL_PART, blueprint.PARTNER_REP_LOCAL_PART]
            if index < 2
            else []
        )
        taken = set(personas)
        admins = 2 if count >= 8 and not personas else 1
        for position in range(count):
            given, family = context.names.person(rng, org.country.name_sources)
            if position < len(personas):
                local = personas[position]
            else:
                local = blueprint.local_part(given, family, org.email_style, taken)
            taken.add(local)
            is_admin = position < admins
            days_after = (
                rng.uniform(0, 2)
                if is_admin
                else rng.uniform(0, (context.now - org.obj.created_at).days)
            )
            org.users.append(
                User(
                    email=f"{local}@{org.domain}",
                    full_name=f"{given} {family}",
                    job_title=rng.choice(
                        words["admin_titles" if is_admin else "rep_titles"]
                    ),
                    role=Role.PARTNER_ADMIN if is_admin else Role.PARTNER_REP,
                    organization=org.obj,
                    is_active=(
                        position < max(admins, len(personas)) or rng.random() < 0.97
                    ),
                    password=context.password,
                    date_joined=min(
                        org.obj.created_at + datetime.timedelta(days=days_after),
                        context.now,
                    ),
                )
            )
        _plan_activity(context, rng, org)
    users = [user for org in orgs for user in org.users]
    bulk_save(User, users)
    _verify_emails(users)
    return len(users)


def _plan_activity(
    context: GenerationContext, rng: random.Random, org: PlannedOrganization
) -> None:
    # Actors are chosen before the users are saved, so that each one's last login
    # is their latest sign-in event.
    admins = [user for user in org.users if user.role == Role.PARTNER_ADMIN]
    active = [user for user in org.users if user.is_active]
    is_tiered = any(m.tier and m.tier.rank > 1 for m in org.memberships)
    for moment, planned_verb in org.activity:
        verb = planned_verb
        if verb == "membership.tier_changed" and not is_tiered:
            verb = "user.signed_in"
        anyone = verb in {"user.signed_in", "invitation.accepted"}
        actor = rng.choice(active if anyone else admins)
        org.plan.append((moment, verb, actor))
        if verb == "user.signed_in" and (
            actor.last_login is None or actor.last_login < moment
        ):
            actor.last_login = moment
    for user in active:
        # Drawn for every user, so that the stream does not depend on the date.
        signed_in_long_ago = rng.random() < 0.4
        if user.last_login is None and signed_in_long_ago:
            user.last_login = context.now - datetime.timedelta(
                days=rng.uniform(blueprint.ACTIVITY_DAYS, 400)
            )
        if user.last_login is not None and user.last_login < user.date_joined:
            user.date_joined = user.last_login


def _verify_emails(users: Sequence[User]) -> None:
    # Verification is mandatory at sign-in; the demo's addresses are known good.
    bulk_save(
        EmailAddress,
        [
            EmailAddress(user=user, email=user.email, verified=True, primary=True)
            for user in users
        ],
    )
