"""Read an uploaded CSV file into rows of named cells, or refuse the whole file with
one clear message (wrong encoding, too large, too many rows, unknown columns).
"""

import codecs
import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# The spreadsheet row of the header; the first data row is row 2, as Excel shows it.
HEADER_ROW = 1
DELIMITERS = (",", ";")
_SEPARATORS = re.compile(r"[\s\-]+")


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; `message` says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Row:
    """One data row: its spreadsheet row number and its cells by column name."""

    number: int
    cells: dict[str, str]


@dataclass(frozen=True)
class Table:
    """The rows of a file whose header named known columns."""

    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    delimiter: str


def normalize_header(name: str) -> str:
    """Return a header cell as a column name: case, spaces and hyphens set aside
    ("Customer Name", " customer-name " and "CUSTOMER_NAME" are all customer_name).
    """
    return _SEPARATORS.sub("_", name.strip().strip("\ufeff").strip()).lower()


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def decode(data: bytes) -> str:
    """Return the file's text: UTF-8, with or without a byte order mark."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(
            "The file is saved as UTF-16 text. Save it as “CSV UTF-8” and upload it "
            "again."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFileError(
            f"The file is not UTF-8 text (an unreadable character on line {line}). "
            "Save it as “CSV UTF-8” (in Excel: File, Save as, CSV UTF-8) and "
            "upload it again."
        ) from error
    if "\x00" in text:
        raise ImportFileError("This is not a CSV text file.")
    return text


def sniff_delimiter(text: str) -> str:
    """Return the delimiter of the header line: a comma or a semicolon, whichever
    the header uses more (a spreadsheet in a language that writes 1,5 saves ";").
    """
    header = text.split("\n", 1)[0]
    counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
    return max(DELIMITERS, key=lambda delimiter: counts[delimiter])


def _records(text: str, delimiter: str) -> Iterable[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as error:
        raise ImportFileError(
            f"Row {reader.line_num} cannot be read as CSV ({error})."
        ) from error


def read_table(
    data: bytes,
    *,
    known: Iterable[str],
    required: Iterable[str],
    max_bytes: int = MAX_FILE_BYTES,
    max_rows: int = MAX_ROWS,
) -> Table:
    """Read the file's header and rows, or raise ImportFileError.

    Entirely blank rows are skipped (a spreadsheet often leaves some at the end);
    they keep their row numbers, so that every number in the report is the row the
    spreadsheet shows.
    """
    if len(data) > max_bytes:
        raise ImportFileError(
            f"The file is {_megabytes(len(data))}; the limit is "
            f"{_megabytes(max_bytes)}. Split it into smaller files."
        )
    text = decode(data)
    if not text.strip():
        raise ImportFileError("The file is empty.")
    delimiter = sniff_delimiter(text)
    records = iter(_records(text, delimiter))
    header = [normalize_header(cell) for cell in next(records, [])]
    columns = _check_header(header, known=set(known), required=list(required))
    rows: list[Row] = []
    for number, record in enumerate(records, start=HEADER_ROW + 1):
        if not any(cell.strip() for cell in record):
            continue
        if len(rows) == max_rows:
            raise ImportFileError(
                f"The file has more than {max_rows:,} rows. Split it into files "
                f"of at most {max_rows:,} rows."
            )
        cells = dict(zip(header, record, strict=False))
        extra = [cell for cell in record[len(header) :] if cell.strip()]
        if extra:
            # Flagged on the row rather than dropped: a value was meant for a column.
            cells["__extra__"] = (
                f"This row has {len(record)} cells; the header has {len(header)}."
            )
        rows.append(Row(number=number, cells=cells))
    if not rows:
        raise ImportFileError("The file has a header but no rows.")
    return Table(columns=columns, rows=tuple(rows), delimiter=delimiter)


def _check_header(
    header: list[str], *, known: set[str], required: list[str]
) -> tuple[str, ...]:
    if not any(header):
        raise ImportFileError("The first row must name the columns.")
    named = [name for name in header if name]
    duplicates = sorted({name for name in named if named.count(name) > 1})
    if duplicates:
        raise ImportFileError(
            f"The column {', '.join(duplicates)} appears more than once."
        )
    unknown = [name for name in named if name not in known]
    if unknown:
        raise ImportFileError(
            f"Unknown column{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
            f"The columns are: {', '.join(sorted(known))}."
        )
    missing = [name for name in required if name not in named]
    if missing:
        raise ImportFileError(
            f"The file has no column {', '.join(missing)}, which is required."
        )
    return tuple(named)
