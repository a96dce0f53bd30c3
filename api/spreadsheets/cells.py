"""One CSV writer for every export: cells a spreadsheet would run as a formula are neutralised.

OWASP's CSV-injection rule: a cell opening with = + - @ TAB or CR is a formula to Excel and
Calc (`=HYPERLINK(...)` in a patient's name would be live). `defusedcsv` prefixes = + - @ | %
with an apostrophe (leaving numbers such as -1.5 alone); TAB and CR, which it lets through, get
the same apostrophe here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

from defusedcsv import csv as defused

# A byte-order mark tells Excel the download is UTF-8 (without it accented names are garbled).
# Only files and downloads carry it: a terminal or a pipe gets plain UTF-8.
BYTE_ORDER_MARK = "\ufeff"
FORMULA_WHITESPACE = ("\t", "\r")


def cell(value: Any) -> Any:
    """A value as one CSV cell: lists as plain words, TAB/CR-led text behind an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, list | tuple | set | frozenset):
        value = " ".join(str(item) for item in value)
    if isinstance(value, str) and value.startswith(FORMULA_WHITESPACE):
        return "'" + value
    return value


def write_table(out: TextIO, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """The header row (always, even with no rows), then each row, every cell neutralised."""
    writer = defused.writer(out)
    writer.writerow(list(columns))
    for row in rows:
        writer.writerow([cell(value) for value in row])


def write_records(
    out: TextIO, columns: Sequence[str], records: Iterable[Mapping[str, Any]]
) -> None:
    """Records (dicts) under the given columns, in that order."""
    write_table(out, columns, ([record.get(name) for name in columns] for record in records))
