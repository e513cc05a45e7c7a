"""The parser as a plain program: python-calamine and the standard library, nothing of Django,
so it runs in a child process that starts in a few milliseconds under a memory limit.

    python -I -S parse.py SITE_PACKAGES < upload.xlsx  (the first stdin line: the limits)

`sheet.parse_table()` starts it; a file that makes the reader ask for more memory than the
limit kills the child, never the web process. The parent reads one JSON object from stdout:
`{"header_row": n, "rows": [[…], …]}` or `{"refused": code, "max": n}`. Cells are capped at
`cell_chars` + 1 characters (one more than the limit, so the parent can tell the cell was
longer), the whole table at `text_budget` characters, and reading stops at the row limit.
The module is imported by the parent too, for `is_blank` and the value encoding.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
EXIT_REFUSED = 3  # a refusal the parent turns into a message: stdout says which
EXIT_MEMORY = 4  # the reader ran out of the memory the child may use


class Refused(Exception):
    def __init__(self, code: str, limit: int = 0) -> None:
        super().__init__(code)
        self.code, self.limit = code, limit


def is_blank(value: Any) -> bool:
    if value is None or value == "":
        return True
    if not isinstance(value, str):
        return False
    stripped = value.strip()  # also the ideographic space and other Unicode spaces
    # What else can make a cell look empty is an invisible character (a zero-width space).
    return not stripped or (not stripped.isascii() and not INVISIBLE.sub("", stripped).strip())


def parse(
    data: bytes,
    *,
    markers: frozenset[str],
    row_limit: int,
    header_rows: int,
    cell_chars: int,
    text_budget: int,
) -> dict[str, Any]:
    """The first sheet's rows down to the last data row: the header is the first of the top
    `header_rows` rows naming a marker; at most `row_limit` data rows (blank ones do not count)
    and no row below `row_limit + header_rows`."""
    rows = _capped(_calamine_rows(data), cell_chars, text_budget)
    head = _rows_to_header(rows, markers, header_rows)
    if head is None:
        return {"header_row": 0, "rows": []}
    kept, pending, count = list(head), [], 0
    for number, values in enumerate(rows, start=len(head) + 1):
        if number > row_limit + header_rows:
            raise Refused("too_many_rows", row_limit)
        if all(is_blank(value) for value in values):
            pending.append(values)  # kept only if a data row follows
            continue
        count += 1
        if count > row_limit:
            raise Refused("too_many_rows", row_limit)
        kept += pending
        kept.append(values)
        pending = []
    return {"header_row": len(head), "rows": kept}


def _calamine_rows(data: bytes) -> Iterator[list[Any]]:
    """The first sheet's rows from A1, converted one at a time as they are asked for."""
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        rows = sheet.iter_rows()
        # Rows start at row 1, but columns at the first used one: put back the empty ones.
        left = [""] * sheet.start[1] if sheet.start else []
    except MemoryError:
        raise
    except Exception as error:  # the reader raises several types for damaged files
        raise Refused("corrupt") from error
    return (left + values if left else values for values in _guarded(rows))


def _guarded(rows: Iterator[list[Any]]) -> Iterator[list[Any]]:
    try:
        yield from rows
    except MemoryError:
        raise
    except Exception as error:
        raise Refused("corrupt") from error


def _capped(rows: Iterator[list[Any]], cell_chars: int, budget: int) -> Iterator[list[Any]]:
    """Each text cell cut to `cell_chars` + 1 characters; past `budget` characters in all,
    the file is refused."""
    used = 0
    for values in rows:
        for index, value in enumerate(values):
            if isinstance(value, str):
                if len(value) > cell_chars:
                    values[index] = value = value[: cell_chars + 1]
                used += len(value)
        if used > budget:
            raise Refused("too_much_text", budget)
        yield values


def _rows_to_header(
    rows: Iterator[list[Any]], markers: frozenset[str], header_rows: int
) -> list[list[Any]] | None:
    """The rows down to the header row, or None when no top row is a header."""
    head: list[list[Any]] = []
    for values in rows:
        head.append(values)
        if any(isinstance(v, str) and v.strip().casefold() in markers for v in values):
            return head
        if len(head) == header_rows:
            break
    return None


# Plain values across the pipe: JSON, with the reader's dates and times tagged. -------------
_READERS: dict[str, Callable[[str], Any]] = {
    "datetime": dt.datetime.fromisoformat,
    "date": dt.date.fromisoformat,
    "time": dt.time.fromisoformat,
}


def encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):  # first: a datetime is also a date
        return {"$": "datetime", "v": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$": "date", "v": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$": "time", "v": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"$": "timedelta", "v": value.total_seconds()}
    raise TypeError(type(value).__name__)


def decode(obj: dict[str, Any]) -> Any:
    tag = obj.get("$")
    if tag == "timedelta":
        return dt.timedelta(seconds=obj["v"])
    if isinstance(tag, str) and tag in _READERS:
        return _READERS[tag](obj["v"])
    return obj


def _limit_memory(limits: dict[str, Any]) -> None:
    import resource

    memory = int(limits["memory"])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    seconds = int(limits["cpu_seconds"])
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds))


def main() -> int:
    limits = json.loads(sys.stdin.buffer.readline())
    _limit_memory(limits)
    data = sys.stdin.buffer.read()
    try:
        table = parse(
            data,
            markers=frozenset(limits["markers"]),
            row_limit=limits["row_limit"],
            header_rows=limits["header_rows"],
            cell_chars=limits["cell_chars"],
            text_budget=limits["text_budget"],
        )
    except Refused as refused:
        _write({"refused": refused.code, "max": refused.limit})
        return EXIT_REFUSED
    except MemoryError:
        return EXIT_MEMORY
    del data
    _write(table)
    return 0


def _write(answer: dict[str, Any]) -> None:
    # Bytes, whatever the locale: the child starts isolated, with no encoding set.
    sys.stdout.buffer.write(json.dumps(answer, default=encode, ensure_ascii=False).encode())


if __name__ == "__main__":
    sys.path.insert(0, sys.argv[1])  # site-packages, for python_calamine (started with -I -S)
    sys.exit(main())
