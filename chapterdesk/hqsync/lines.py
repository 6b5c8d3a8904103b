"""An export's valid rows written as one line of text each, for telling changed rows apart.

A monthly export repeats most of what the database already holds. Each valid
row is written as one line: its HQ fields as the database stores them (dates
as YYYY-MM-DD, chapters joined by "; ", an empty field as ""), joined by
`SEPARATOR`, ending in "1" (the export lists the member). The database writes
each stored record the same way (`hq_compare.load_fingerprints`), so a row is
unchanged exactly when the two lines are equal, which a dictionary lookup and
one string comparison in C decide.

The lines are written block by block while the rows are checked (`RowChecker`),
when the machine's other core is still parsing the sheet, not all at once
after the last row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from itertools import repeat

from chapterdesk.hq_fields import DATE_FIELDS

#: Between two fields of a line: a control character no cell of an XML workbook can hold
#: (rows whose cells hold it anyway are compared tuple by tuple instead).
SEPARATOR = "\x1f"
_SHARE_LIMIT = 50_000  #: distinct dates or chapter lists whose text is remembered


class LineWriter:
    """Writes rows of `columns` as lines, the fields `names` in that order.

    Dates and chapter lists are written once per distinct value (an export
    has a few thousand of each).
    """

    def __init__(self, names: Sequence[str]) -> None:
        self.names = tuple(names)
        self._written: dict[str, dict[object, str]] = {
            name: {} for name in self.names if name in DATE_FIELDS or name == "chapters"
        }

    def lines(
        self, columns: Mapping[str, Sequence[object]], start: int, stop: int
    ) -> list[str] | None:
        """The lines of rows `start` to `stop`; None when a value holds `SEPARATOR` or a NUL
        (SQLite's printf ends a text at a NUL: no reader lets one in, but still)."""
        fields: list[Iterable[object]] = []
        for name in self.names:
            column = columns[name][start:stop]
            written = self._written.get(name)
            if written is not None:
                if len(written) > _SHARE_LIMIT:
                    written.clear()
                write = _write_date if name in DATE_FIELDS else _write_chapters
                for value in set(column).difference(written):
                    written[value] = write(value)
                fields.append(map(written.__getitem__, column))
            else:
                fields.append(column)
        if not self.names:
            return ["1"] * (stop - start)
        fields.append(repeat("1"))
        lines = list(map(SEPARATOR.join, zip(*fields)))  # noqa: B905 -- repeat is endless
        text = "".join(lines)
        if text.count(SEPARATOR) != len(lines) * len(self.names) or "\x00" in text:
            return None
        return lines


def _write_date(value: object) -> str:
    if value is None:
        return ""
    if type(value) is not dt.date:  # a date and time never equals a stored date
        return f"{value!r}"
    return value.isoformat()


def _write_chapters(value: object) -> str:
    return "; ".join(value) if isinstance(value, tuple) else f"{value!r}"
