"""Generate the partner organizations of the demo, spread over the world's cities."""

import datetime
import itertools
import random
from decimal import Decimal

from cairn.demo import blueprint, data
from cairn.demo.blueprint import weighted, weighted_key
from cairn.demo.context import GenerationContext, bulk_save
from cairn.demo.plan import PlannedOrganization
from cairn.partners.choices import PartnerType
from cairn.partners.models import OrganizationEmailDomain, PartnerOrganization


def generate_organizations(
    context: GenerationContext, partners: int
) -> list[PlannedOrganization]:
    """Create `partners` organizations with their email domains and expertise.

    The first two are resellers with recent activity: they hold the personas.
    """
    maker = _OrganizationMaker(context)
    orgs = maker.plan(partners)
    bulk_save(PartnerOrganization, [org.obj for org in orgs])
    bulk_save(
        OrganizationEmailDomain,
        [OrganizationEmailDomain(organization=o.obj, domain=o.domain) for o in orgs],
    )
    specialization_link = PartnerOrganization.specializations.through
    bulk_save(
        specialization_link,
        [
            specialization_link(
                partnerorganization_id=org.obj.pk, specialization_id=item.pk
            )
            for org in orgs
            for item in org.specializations
        ],
    )
    industry_link = PartnerOrganization.industries.through
    bulk_save(
        industry_link,
        [
            industry_link(partnerorganization_id=org.obj.pk, industry_id=item.pk)
            for org in orgs
            for item in org.industries
        ],
    )
    return orgs


class _OrganizationMaker:
    def __init__(self, context: GenerationContext) -> None:
        self.context = context
        self.now = context.now
        self.used_names: set[str] = set()
        self.used_domains: set[str] = set()

    def plan(self, partners: int) -> list[PlannedOrganization]:
        rng = self.context.rng("organizations")
        cities = data.cities()
        countries = data.countries()
        by_country: dict[str, list[data.City]] = {}
        for city in cities:
            by_country.setdefault(city.country, []).append(city)
        # Spread the first organizations over every country, so that even a small
        # ecosystem looks worldwide; the rest cluster where partners really do.
        country_order = sorted(by_country)
        rng.shuffle(country_order)
        spread = min(len(country_order), partners // 4)
        city_weights = [city.weight for city in cities]
        orgs: list[PlannedOrganization] = []
        for index in range(partners):
            if index < spread:
                in_country = by_country[country_order[index]]
                city = weighted(rng, in_country, [c.weight for c in in_country])
            else:
                city = weighted(rng, cities, city_weights)
            orgs.append(
                self._organization(
                    rng, city, countries[city.country], is_persona=index < 2
                )
            )
        return orgs

    def _organization(
        self,
        rng: random.Random,
        city: data.City,
        country: data.Country,
        *,
        is_persona: bool,
    ) -> PlannedOrganization:
        name = self._partner_name(rng, city, country)
        domain = self._domain(name, country)
        natures = blueprint.NATURES
        nature = (
            PartnerType.RESELLER
            if is_persona
            else weighted(rng, list(natures), [n.weight for n in natures.values()])
        )
        sizes = blueprint.SIZES
        size = weighted(rng, list(sizes), [weight for weight, _ in sizes.values()])
        specializations = rng.sample(self.context.specializations, rng.randint(1, 4))
        industries = rng.sample(self.context.industries, rng.randint(1, 3))
        languages = list(country.languages)
        languages += [lang for lang in country.extra_languages if rng.random() < 0.3]
        if "en" not in languages and rng.random() < 0.7:
            languages.append("en")
        # Offices spread around the city centre, not stacked on one map pin.
        jitter = [Decimal(f"{rng.uniform(-0.03, 0.03):.6f}") for _ in range(2)]
        levels = blueprint.ACTIVITY_LEVELS
        low, high = weighted(rng, [lvl for lvl, _ in levels], [w for _, w in levels])
        activity = sorted(
            (self._recent_time(rng), weighted_key(rng, blueprint.PARTNER_VERBS))
            for _ in range(max(rng.randint(low, high), 3 if is_persona else 0))
        )
        legal_format = weighted(
            rng, list(country.legal_formats), list(country.legal_weights)
        )
        obj = PartnerOrganization(
            name=name,
            legal_name=legal_format.format(name=name),
            website=f"https://www.{domain}",
            country=country.code,
            region=city.region,
            street=self._street(rng, city, country),
            city=city.name,
            postal_code=city.postal_code,
            state=city.state,
            latitude=city.latitude + jitter[0],
            longitude=city.longitude + jitter[1],
            size=size,
            languages=languages,
            description=(
                f"{name} is a {natures[nature].phrase} based in {city.name}, "
                f"focused on {data.lower_first(specializations[0].name)} for "
                f"customers in {data.lower_first(industries[0].name)}."
            ),
            allows_domain_join=rng.random() < 0.4,
            created_at=self.now
            - datetime.timedelta(
                days=rng.randint(120, 4 * 365), minutes=rng.randint(0, 1439)
            ),
            last_active_at=activity[-1][0] if activity else None,
        )
        return PlannedOrganization(
            obj=obj,
            city=city,
            country=country,
            domain=domain,
            nature=nature,
            email_style=weighted_key(rng, blueprint.EMAIL_STYLES),
            activity=activity,
            specializations=specializations,
            industries=industries,
        )

    def _partner_name(
        self, rng: random.Random, city: data.City, country: data.Country
    ) -> str:
        names = self.context.names
        words = data.vocabulary()
        kind = rng.choice(words["name_kinds"])
        for attempt in range(40):
            kind = rng.choice(words["name_kinds"])
            roll = rng.random()
            if roll < 0.40:
                stem = rng.choice(words["name_stems"])
                ending = rng.choice(words["name_endings"])
                name = f"{stem}{ending} {kind}"
            elif roll < 0.65:
                name = f"{rng.choice(words['name_words'])} {kind}"
            elif roll < 0.85:
                family = names.person(rng, country.name_sources)[1]
                family = family[:1].upper() + family[1:]  # "van Arkel" opens a name
                if rng.random() < 0.3:
                    other = names.person(rng, country.name_sources)[1]
                    name = f"{family} & {other}"
                else:
                    name = f"{family} {kind}"
            elif roll < 0.95:
                name = f"{city.name} {kind}"
            else:
                letters = rng.choices("ABCDEFGHKLMNPRSTVXZ", k=rng.randint(2, 3))
                name = f"{''.join(letters)} {kind}"
            if attempt > 30:
                name = f"{name} {city.name}"
            if name.lower() not in self.used_names:
                self.used_names.add(name.lower())
                return name
        # Only huge ecosystems exhaust the combinations.
        name = f"{rng.choice(words['name_words'])} {kind} {len(self.used_names)}"
        self.used_names.add(name.lower())
        return name

    def _domain(self, name: str, country: data.Country) -> str:
        base = data.ascii_slug(name, separator="-")[:50].strip("-") or "partner"
        candidates = itertools.chain(
            [base, f"{base}-{country.code.lower()}"],
            (f"{base}-{number}" for number in itertools.count(2)),
        )
        domain = next(
            domain
            for domain in (f"{candidate}.example" for candidate in candidates)
            if domain not in self.used_domains
        )
        self.used_domains.add(domain)
        return domain

    def _street(
        self, rng: random.Random, city: data.City, country: data.Country
    ) -> str:
        numbers = {
            "street": rng.choice(city.streets),
            "number": rng.randint(1, 2500 if country.code in {"US", "CA"} else 180),
            "suite": rng.randint(1, 40) * 100 + rng.randint(0, 20),
            "floor": rng.randint(2, 40),
            "block": rng.randint(1, 120),
            "small": rng.randint(1, 40),
            "tiny": rng.randint(1, 30),
        }
        line = country.address_format.format(**numbers)
        if country.suite_format and rng.random() < 0.4:
            line = f"{line}, {country.suite_format.format(**numbers)}"
        return line

    def _recent_time(self, rng: random.Random) -> datetime.datetime:
        # More activity lately, on weekdays, in office hours (UTC is close enough).
        days = int(blueprint.ACTIVITY_DAYS * rng.random() ** 1.4)
        moment = self.now - datetime.timedelta(days=days)
        # Drawn whatever the day, so that the stream (and every later draw of this
        # seed) does not depend on the date of the run.
        moves_to_weekday = rng.random() < 0.8
        if moment.weekday() >= 5 and moves_to_weekday:
            moment -= datetime.timedelta(days=moment.weekday() - 4)
        moment = moment.replace(hour=rng.randint(7, 18), minute=rng.randint(0, 59))
        if moment > self.now:
            moment -= datetime.timedelta(days=1)
        return moment
