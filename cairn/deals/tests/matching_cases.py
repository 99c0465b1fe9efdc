"""Registration facts for the matching tests, and a labelled mini-set of pairs."""

from datetime import date
from decimal import Decimal
from itertools import count

from cairn.deals.matching import DealFacts

_ids = count(1)


def facts(name, *, owner="partner:1", **values):
    return DealFacts(
        registration_id=next(_ids), owner_key=owner, company_name=name, **values
    )


# A labelled mini-set ---------------------------------------------------------------

MARCH = date(2027, 3, 1)


def reg(name, domain="", email="", country="", *, products="", **values):
    """Make the facts of one registration; products are space-separated codes."""
    return facts(
        name,
        customer_domain=domain,
        contact_email=email,
        country=country,
        product_codes=frozenset(products.split()),
        **values,
    )


# Each pair is (existing, new). True duplicates: one customer and deal registered
# twice, written as partners actually write them.
TRUE_DUPLICATES = [
    (
        reg("Acme Systems Inc.", "acme.com", country="US"),
        reg("ACME Systems", "www.acme.com", country="US"),
    ),
    (
        reg("Acme Systems Inc.", "acme.com", country="US"),
        reg("Systems Acme", email="j.doe@acme.com", country="US"),
    ),
    (
        reg("Acme Systems", country="US", postal_code="94105", products="FW-100"),
        reg("Acme Sytems LLC", country="US", postal_code="94105", products="FW-100 S1"),
    ),
    (
        reg("Müller Technik GmbH", country="DE", postal_code="80331", products="FW"),
        reg("Mueller Technik", country="DE", postal_code="80331", products="FW"),
    ),
    (
        reg("Müller Technik GmbH", "mueller-technik.de", country="DE"),
        reg("Мюллер Техник", email="anna@mueller-technik.de", country="DE"),
    ),
    (
        reg("Société Générale S.A.", "societegenerale.fr", country="FR"),
        reg("Societe Generale", "https://pro.societegenerale.fr/", country="FR"),
    ),
    (
        reg(
            "Toyota Tsusho Kabushiki Kaisha",
            country="JP",
            city="Nagoya",
            expected_close_date=MARCH,
        ),
        reg(
            "Toyota Tsusho K.K.",
            country="JP",
            city="Nagoya",
            expected_close_date=date(2027, 4, 15),
        ),
    ),
    (
        reg("Globex Corporation", "globex.com", country="US", products="SW-200"),
        reg("Globex Corp", "globex.us", country="US", products="SW-200"),
    ),
    (
        reg("Initech", "initech.com", country="US"),
        reg("Initech LLC", email="peter.gibbons@initech.com", country="US"),
    ),
    (
        reg(
            "Northwind Traders Ltd",
            country="GB",
            postal_code="SW1A 2DX",
            latitude=Decimal("51.503400"),
            longitude=Decimal("-0.127600"),
        ),
        reg(
            "Northwind Traders",
            country="GB",
            latitude=Decimal("51.501000"),
            longitude=Decimal("-0.124600"),
        ),
    ),
    (
        reg("Umbrella Pty Ltd", "umbrella.com.au", country="AU"),
        reg("Umbrella Corporation", "umbrella.com.au", country="AU"),
    ),
    (
        reg("Stark Industries Group", "starkindustries.com", country="US"),
        reg("Stark Industries", "starkindustries.com", country="US"),
    ),
    (
        reg("Wayne Enterprises", country="US", postal_code="10001", products="HW"),
        reg(
            "Wayne Enterprises, Inc.", country="US", postal_code="10001", products="HW"
        ),
    ),
    (
        reg("Hooli", "hooli.xyz", country="US"),
        reg("Hooli Inc", email="gavin@hooli.xyz", country="US"),
    ),
    (
        reg("Banco do Brasil S.A.", "bb.com.br", country="BR"),
        reg("Banco do Brasil", "bb.com.br", country="BR"),
    ),
    (
        reg(
            "Kowalski Budownictwo Sp. z o.o.",
            country="PL",
            postal_code="00-950",
            expected_close_date=MARCH,
        ),
        reg(
            "Kowalski Budownictwo",
            country="PL",
            postal_code="00950",
            expected_close_date=date(2027, 2, 1),
        ),
    ),
    (
        reg("Tecnologías Pacífico S.A. de C.V.", "tecpacifico.mx", country="MX"),
        reg("Pacifico Tecnologias", "ventas.tecpacifico.mx", country="MX"),
    ),
    (
        reg(
            "Vandelay Industries",
            "vandelay.com",
            country="US",
            postal_code="10023",
            products="FW-100",
            expected_close_date=MARCH,
        ),
        reg(
            "Vandelay Industries",
            "vandelayindustries.com",
            country="US",
            postal_code="10023",
            products="FW-100",
            expected_close_date=date(2027, 3, 20),
        ),
    ),
]

# Near-misses: different customers whose facts look alike.
NEAR_MISSES = [
    (
        reg("Acme Corp", "acme.com", country="US"),
        reg("Acme Foods GmbH", "acmefoods.de", country="DE"),
    ),
    (
        reg("Apex Systems", "apexsystems.com", country="US", expected_close_date=MARCH),
        reg("Apex Solutions", "apexsolutions.com", country="US", products="FW-100"),
    ),
    (
        reg("Initech", "initech.com", country="US"),
        reg("Initrode", "initrode.com", country="US"),
    ),
    (
        reg("Globex Corporation", "globex.com", country="US", products="SW-200"),
        reg("Globe Corporation", "globe.com", country="US", products="SW-200"),
    ),
    (
        reg("Müller Technik GmbH", country="DE", postal_code="80331", products="FW"),
        reg("Müller Textil GmbH", country="DE", postal_code="80336", products="FW"),
    ),
    (
        reg("Acme Systems", "acmesystems.com", country="US", products="FW-100"),
        reg("Acme Systems Pty Ltd", "acme-sys.com.au", country="AU", products="FW-100"),
    ),
    (
        reg("Bluebird Bakery", country="US", postal_code="10001", products="FW-100"),
        reg("Redwood Dental", country="US", postal_code="10001", products="FW-100"),
    ),
    (
        reg("Jones Plumbing", email="jones.pl@gmail.com", country="US", city="Austin"),
        reg(
            "Smith Electrical", email="smith.el@gmail.com", country="US", city="Austin"
        ),
    ),
    (
        reg("Alpha Bakery", "alpha-bakery.myshopify.com", country="CA"),
        reg("Beta Bikes", "beta-bikes.myshopify.com", country="CA"),
    ),
    (
        reg("Stark Industries", "starkindustries.com", country="US", products="HW"),
        reg("Stark Logistics", "starklogistics.com", country="US", products="HW"),
    ),
    (
        reg("Vertex Pharmaceuticals", "vrtx.com", country="US"),
        reg("Vertex Software", "vertex.com", country="US"),
    ),
    (
        reg("Orion GmbH", "orion.de", country="DE"),
        reg("Orion Health", "orion.co.nz", country="NZ"),
    ),
    (
        reg(
            "Pacific Trading Co.",
            country="HK",
            products="HW",
            expected_close_date=MARCH,
        ),
        reg(
            "Pacific Trading Ltd",
            country="SG",
            products="HW",
            expected_close_date=MARCH,
        ),
    ),
    (
        reg("Delta Air Lines", "delta.com", country="US"),
        reg("Delta Dental", "deltadental.com", country="US"),
    ),
    (
        reg("Sunrise Medical", country="US", postal_code="60601", products="SW-200"),
        reg("Sunrise Media", country="US", postal_code="60601", products="HW"),
    ),
    (
        reg("Summit Consulting LLC", "summitconsulting.com", country="US"),
        reg("Summit Consulting Ltd", "summit-consult.co.uk", country="GB"),
    ),
]
