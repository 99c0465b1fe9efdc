"""Helpers of the import tests: CSV files written as a spreadsheet would save them."""

from collections.abc import Iterable, Mapping

REGISTRATION_HEADER = (
    "reference",
    "customer_name",
    "customer_domain",
    "country",
    "city",
    "postal_code",
    "contact_email",
    "expected_close_date",
    "currency",
    "amount",
    "product_code",
    "quantity",
    "unit_amount",
)


SYLLABLES = ("ka", "ro", "mi", "tu", "ve", "lo", "zan", "pe", "dri", "sol")


def company_word(number: int) -> str:
    """Return a made-up company name word of its own for each number, so that
    generated customers share no name word (as real customers mostly do not).
    """
    digits = f"{number:04d}"
    return "".join(SYLLABLES[int(digit)] for digit in digits).capitalize()


def registration_row(number: int, **overrides: str) -> dict[str, str]:
    """Return the cells of a valid registration row of a distinct customer."""
    word = company_word(number)
    row = {
        "reference": f"CRM-{number}",
        "customer_name": f"{word} SARL",
        "customer_domain": f"{word.lower()}.example",
        "country": "FR",
        "city": "Lyon",
        "postal_code": f"69{number % 1000:03d}",
        "contact_email": f"buyer@{word.lower()}.example",
        "expected_close_date": "2026-06-30",
        "currency": "EUR",
        "amount": "12000.00",
        "product_code": "CAIRN-ENT",
        "quantity": "10",
        "unit_amount": "1200.00",
    }
    row.update(overrides)
    return row


def csv_bytes(
    header: Iterable[str],
    rows: Iterable[Mapping[str, str]],
    *,
    delimiter: str = ",",
    bom: bool = False,
    encoding: str = "utf-8",
) -> bytes:
    """Return a CSV file of these rows (cells quoted when they hold the delimiter)."""
    names = list(header)

    def cell(value: str) -> str:
        if delimiter in value or '"' in value or "\n" in value:
            return '"' + value.replace('"', '""') + '"'
        return value

    lines = [delimiter.join(names)]
    lines += [delimiter.join(cell(row.get(name, "")) for name in names) for row in rows]
    text = "\r\n".join(lines) + "\r\n"
    return ("\ufeff" if bom else "").encode(encoding) + text.encode(encoding)


DIRECT_HEADER = (
    "external_id",
    "company_name",
    "domain",
    "country",
    "postal_code",
    "owner_name",
    "expected_close_date",
    "currency",
    "amount",
    "is_open",
)


def direct_row(number: int, **overrides: str) -> dict[str, str]:
    """Return the cells of a valid direct pipeline row."""
    word = company_word(number)
    row = {
        "external_id": f"SF-{number:05d}",
        "company_name": f"{word} AG",
        "domain": f"{word.lower()}.example",
        "country": "DE",
        "postal_code": "20095",
        "owner_name": "Jo Seller",
        "expected_close_date": "2026-09-30",
        "currency": "EUR",
        "amount": "90000.00",
        "is_open": "yes",
    }
    row.update(overrides)
    return row
