"""The files an import hands back: the template of each import and the row-by-row
report, both CSV, with formula-looking cells neutralised.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from cairn.deals.imports.columns import Column

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    """Return the cell as text a spreadsheet shows as text, never runs."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Return a CSV document (UTF-8 with a byte order mark, so Excel reads its
    accents) of these rows, every cell neutralised.
    """
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()


def template_csv(columns: tuple[Column, ...]) -> str:
    """Return the template of an import: the header and one example row."""
    return write_csv(
        [column.name for column in columns], [[column.example for column in columns]]
    )


REPORT_HEADER = ("row", "column", "message")


def report_csv(entries: Iterable[Sequence[Any]]) -> str:
    """Return a report as CSV: one line per row and column with a message."""
    return write_csv(REPORT_HEADER, entries)
