"""Reading an import file and parsing its cells: encodings, delimiters, limits,
headers, and one clear message per bad cell.
"""

import datetime
from decimal import Decimal

import pytest

from cairn.deals.choices import DealType
from cairn.deals.imports import cells
from cairn.deals.imports.columns import (
    REGISTRATION_COLUMNS,
    names,
    parse_cells,
    registration_arguments,
    required,
)
from cairn.deals.imports.reader import ImportFileError, Row, read_table
from cairn.deals.imports.report import neutralise, report_csv, template_csv
from cairn.deals.tests.imports_support import (
    REGISTRATION_HEADER,
    csv_bytes,
    registration_row,
)

KNOWN = names(REGISTRATION_COLUMNS)
REQUIRED = required(REGISTRATION_COLUMNS)


def _read(data: bytes, **limits: int):
    return read_table(data, known=KNOWN, required=REQUIRED, **limits)


def _error(data: bytes, **limits: int) -> str:
    with pytest.raises(ImportFileError) as raised:
        _read(data, **limits)
    return raised.value.message


def test_reads_utf8_with_and_without_byte_order_mark() -> None:
    rows = [registration_row(1, customer_name="Société Générale Équipements")]

    plain = _read(csv_bytes(REGISTRATION_HEADER, rows))
    with_bom = _read(csv_bytes(REGISTRATION_HEADER, rows, bom=True))

    assert plain.rows == with_bom.rows
    assert plain.rows[0].cells["customer_name"] == "Société Générale Équipements"
    assert plain.columns[0] == "reference"  # no BOM left on the first column


def test_refuses_other_encodings_with_a_clear_message() -> None:
    rows = [registration_row(1, customer_name="Société")]

    latin1 = _error(csv_bytes(REGISTRATION_HEADER, rows, encoding="latin-1"))
    utf16 = _error(csv_bytes(REGISTRATION_HEADER, rows, bom=True, encoding="utf-16"))

    assert latin1 == (
        "The file is not UTF-8 text (an unreadable character on line 2). Save it as "
        "“CSV UTF-8” (in Excel: File, Save as, CSV UTF-8) and upload it again."
    )
    assert utf16 == (
        "The file is saved as UTF-16 text. Save it as “CSV UTF-8” and upload it again."
    )


def test_sniffs_semicolons_and_keeps_commas_inside_cells() -> None:
    rows = [registration_row(1, customer_name="Acme, Ltd", notes="a;b")]
    header = [*REGISTRATION_HEADER, "notes"]

    semicolons = _read(csv_bytes(header, rows, delimiter=";"))
    commas = _read(csv_bytes(header, rows, delimiter=","))

    assert (semicolons.delimiter, commas.delimiter) == (";", ",")
    assert semicolons.rows[0].cells["customer_name"] == "Acme, Ltd"
    assert semicolons.rows[0].cells["notes"] == "a;b"
    assert commas.rows == semicolons.rows


def test_header_matching_ignores_case_spaces_and_hyphens() -> None:
    data = (
        b" Customer Name ;COUNTRY;Expected-Close-Date;currency;Amount\n"
        b"Acme;FR;2026-06-30;EUR;100.00\n"
    )

    table = _read(data)

    assert table.columns == (
        "customer_name",
        "country",
        "expected_close_date",
        "currency",
        "amount",
    )


def test_missing_unknown_and_repeated_columns_refuse_the_file() -> None:
    missing = _error(b"customer_name,currency\nAcme,EUR\n")
    unknown = _error(b"customer_name,country,expected_close_date,currency,colour\n")
    repeated = _error(
        b"customer_name,Customer Name,country,expected_close_date,currency\n"
    )

    assert missing == (
        "The file has no column country, expected_close_date, which is required."
    )
    assert unknown.startswith("Unknown column: colour. The columns are: amount, city")
    assert repeated == "The column customer_name appears more than once."


def test_empty_files_are_refused() -> None:
    assert _error(b"") == "The file is empty."
    assert _error(b"\xef\xbb\xbf \r\n") == "The file is empty."
    assert _error(b"customer_name,country,expected_close_date,currency\n,,,\n") == (
        "The file has a header but no rows."
    )


def test_size_and_row_limits() -> None:
    rows = [registration_row(number) for number in range(4)]
    data = csv_bytes(REGISTRATION_HEADER, rows)

    assert _error(data, max_rows=3) == (
        "The file has more than 3 rows. Split it into files of at most 3 rows."
    )
    assert len(_read(data, max_rows=4).rows) == 4
    assert _error(b"x" * 2_000_000, max_bytes=1_048_576) == (
        "The file is 1.9 MB; the limit is 1.0 MB. Split it into smaller files."
    )


def test_row_numbers_are_the_spreadsheets_and_blank_rows_are_skipped() -> None:
    data = (
        b"customer_name,country,expected_close_date,currency\n"
        b"A,FR,2026-06-30,EUR\n"
        b",,,\n"
        b'"Multi\nline",FR,2026-06-30,EUR\n'
        b"C,FR,2026-06-30,EUR,surplus\n"
    )

    table = _read(data)

    assert [row.number for row in table.rows] == [2, 4, 5]
    assert table.rows[1].cells["customer_name"] == "Multi\nline"
    assert table.rows[2].cells["__extra__"] == "This row has 5 cells; the header has 4."


@pytest.mark.parametrize(
    ("parser", "value", "message"),
    [
        (cells.money, "1,200.50", "use a dot for the decimals"),
        (cells.money, "1200,50", "use a dot for the decimals"),
        (cells.money, "12abc", "is not an amount, for example 48000.50."),
        (cells.money, "-5", "An amount cannot be negative."),
        (cells.money, "1.005", "At most 2 decimals."),
        (cells.money, "1e5", "is not an amount"),
        (cells.money, "NaN", "is not an amount"),
        (cells.money, "1000000000000", "This amount is too large."),
        (cells.date, "30/06/2026", "write it as YYYY-MM-DD, for example 2026-06-30."),
        (cells.date, "20260630", "write it as YYYY-MM-DD"),
        (cells.date, "2026-02-30", "2026-02-30 is not a day of the calendar."),
        (cells.country, "Frnce", "“Frnce” is not a country"),
        (cells.country, "XX", "“XX” is not a country"),
        (cells.currency, "EURO", "is not an ISO 4217 currency code"),
        (cells.quantity, "0", "The quantity must be at least 1."),
        (cells.quantity, "2.5", "is not a whole number"),
        (cells.email, "claire.at.acme", "is not an e-mail address."),
        (cells.domain, "acme", "is not a web domain"),
        (cells.boolean, "maybe", "is neither yes nor no."),
    ],
)
def test_bad_cells_say_what_to_write(parser, value: str, message: str) -> None:
    with pytest.raises(cells.CellError) as raised:
        parser(value)

    assert message in str(raised.value)


def test_good_cells_parse_to_decimals_dates_and_codes() -> None:
    assert cells.money("48000.5") == Decimal("48000.50")
    assert cells.money("0") == Decimal("0.00")
    assert cells.date("2026-06-30") == datetime.date(2026, 6, 30)
    assert (cells.country("fr"), cells.country("Germany")) == ("FR", "DE")
    assert cells.currency("eur") == "EUR"
    assert cells.domain("https://www.Acme.example/contact") == "www.acme.example"
    assert cells.choice(DealType)("Renewal") == "renewal"
    assert cells.choice(DealType)("UPSELL") == "upsell"


def test_a_product_line_makes_the_amount_when_none_is_given() -> None:
    row = Row(
        number=2,
        cells={
            "customer_name": "Acme",
            "country": "FR",
            "expected_close_date": "2026-06-30",
            "currency": "EUR",
            "product_code": "CAIRN-ENT",
            "quantity": "3",
            "unit_amount": "100.10",
        },
    )

    values, issues = parse_cells(row, REGISTRATION_COLUMNS)
    fields, lines, key = registration_arguments(values, issues)

    assert issues == []
    assert fields["amount"] == Decimal("300.30")
    assert lines == [
        {"product_code": "CAIRN-ENT", "quantity": 3, "unit_amount": Decimal("100.10")}
    ]
    assert key == ""


def test_a_row_without_amount_or_line_and_a_line_without_code_are_reported() -> None:
    base = {
        "customer_name": "Acme",
        "country": "FR",
        "expected_close_date": "2026-06-30",
        "currency": "EUR",
    }
    without = parse_cells(Row(2, base), REGISTRATION_COLUMNS)
    codeless = parse_cells(Row(3, {**base, "quantity": "2"}), REGISTRATION_COLUMNS)

    registration_arguments(*without)
    registration_arguments(*codeless)

    assert without[1] == [
        ("amount", "Give the deal's amount, or a product line with its amount.")
    ]
    assert codeless[1][0] == (
        "product_code",
        "Give the product code of the line, or leave quantity and unit_amount empty.",
    )


def test_report_and_template_cells_cannot_run_as_formulas() -> None:
    report = report_csv(
        [
            (2, "customer_name", '=HYPERLINK("http://evil.example")'),
            (3, "notes", "+1"),
            (4, "notes", "-1"),
            (5, "notes", "@SUM(A1)"),
            (6, "notes", "\tx"),
            (7, "notes", "\rx"),
            (8, "notes", "plain"),
        ]
    )

    lines = report.removeprefix("\ufeff").split("\r\n")
    assert lines[0] == "row,column,message"
    assert lines[1] == '2,customer_name,"\'=HYPERLINK(""http://evil.example"")"'
    assert [line.split(",", 2)[2] for line in lines[2:5]] == ["'+1", "'-1", "'@SUM(A1)"]
    assert neutralise("\tx") == "'\tx"
    assert neutralise("\rx") == "'\rx"
    assert lines[-2] == "8,notes,plain"
    assert template_csv(REGISTRATION_COLUMNS).startswith(
        "\ufeffreference,customer_name"
    )
