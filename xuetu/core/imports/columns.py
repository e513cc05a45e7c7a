"""The columns an import declares: the key, the headers a file may use, the cleaner, and
whether the column must be there and the cell filled in."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language

from xuetu.core.imports.cells import Cleaner, is_blank, required


@dataclass(frozen=True)
class Column:
    """One column of an import. The template's header is Chinese (the default language); the
    key is accepted as the English header; `aliases` are further headers people use."""

    key: str
    header: str
    clean: Cleaner
    # A required column must be in the file, even where a cell may be blank (a missing
    # column would otherwise read as "every cell blank" without anyone noticing).
    required: bool = True
    blank: bool = False  # may a cell be left empty; it then reads as `empty`
    empty: Any = None
    width: int = 12
    aliases: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.required and not self.blank:
            # A column the file may leave out reads as blank cells, so they must be allowed.
            raise ValueError(f"column {self.key}: an optional column must allow blank cells")

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.header, self.key, *self.aliases)

    def read(self, value: Any) -> Any:
        """The clean value of one cell, or `CellError`."""
        if is_blank(value):
            if not self.blank:
                raise required()
            return self.empty
        return self.clean(value)

    def label(self) -> str:
        """The column's name for a message about a column the file does not have."""
        return self.key if (get_language() or "").startswith("en") else self.header


class Columns:
    """The declared columns by key, and by any header a file may give them."""

    def __init__(self, columns: Iterable[Column]) -> None:
        self.all: tuple[Column, ...] = tuple(columns)
        self.by_key: dict[str, Column] = {column.key: column for column in self.all}
        # Matched after trimming and case-folding, so " Name " and "ID_NUMBER" are recognised.
        self._by_header = {
            header.casefold(): column.key for column in self.all for header in column.headers
        }

    def key_of(self, header: object) -> str | None:
        """The column a header cell names, or None for a column the import ignores."""
        if not isinstance(header, str):
            return None
        return self._by_header.get(header.strip().casefold())

    def __iter__(self) -> Iterator[Column]:
        return iter(self.all)

    def __getitem__(self, key: str) -> Column:
        return self.by_key[key]

    def __contains__(self, key: object) -> bool:
        return key in self.by_key
