"""The demo's persona logins, found in the database the generator filled."""

from dataclasses import dataclass

from cairn.accounts.models import User
from cairn.core.roles import Role
from cairn.demo import blueprint


@dataclass(frozen=True)
class PersonaLogin:
    """One persona of DESIGN.md's "who sees what" and the address to sign in with."""

    key: str
    label: str
    email: str


def demo_personas() -> list[PersonaLogin]:
    """Return the persona logins of the generated ecosystem that exist, in the order
    vendor admin, channel manager, partner admin, partner rep, another partner's rep.
    """
    logins: list[PersonaLogin] = []
    program = next(p for p in blueprint.PROGRAMS if p.slug == blueprint.PERSONA_PROGRAM)
    vendor = set(
        User.objects.filter(
            email__in=[blueprint.VENDOR_ADMIN_EMAIL, blueprint.CHANNEL_MANAGER_EMAIL]
        ).values_list("email", flat=True)
    )
    if blueprint.VENDOR_ADMIN_EMAIL in vendor:
        logins.append(
            PersonaLogin("vendor_admin", "Vendor admin", blueprint.VENDOR_ADMIN_EMAIL)
        )
    if blueprint.CHANNEL_MANAGER_EMAIL in vendor:
        logins.append(
            PersonaLogin(
                "channel_manager",
                f"Channel manager ({program.name})",
                blueprint.CHANNEL_MANAGER_EMAIL,
            )
        )
    # The persona partners are the first two organizations the generator made.
    admins = list(
        User.objects.filter(
            role=Role.PARTNER_ADMIN,
            email__startswith=f"{blueprint.PARTNER_ADMIN_LOCAL_PART}@",
        )
        .select_related("organization")
        .order_by("organization_id")[:2]
    )
    rep_emails = [
        f"{blueprint.PARTNER_REP_LOCAL_PART}@{admin.email.partition('@')[2]}"
        for admin in admins
    ]
    reps = set(
        User.objects.filter(email__in=rep_emails, role=Role.PARTNER_REP).values_list(
            "email", flat=True
        )
    )
    if admins:
        name = admins[0].organization.name
        logins.append(
            PersonaLogin("partner_admin", f"Partner admin ({name})", admins[0].email)
        )
        if rep_emails[0] in reps:
            logins.append(
                PersonaLogin("partner_rep", f"Partner rep ({name})", rep_emails[0])
            )
    if len(admins) > 1 and rep_emails[1] in reps:
        name = admins[1].organization.name
        logins.append(
            PersonaLogin("other_partner_rep", f"Partner rep ({name})", rep_emails[1])
        )
    return logins
