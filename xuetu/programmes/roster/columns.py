"""The roster file's columns: the template's Chinese headers, in the template's order, and the
English headers the import also accepts."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language


@dataclass(frozen=True)
class Column:
    key: str  # also the accepted English header
    zh: str  # the template's header
    # A required column must be in the file. Contract end and social insurance are required
    # as columns although a contract end may be blank: a missing column would otherwise read
    # as "every contract is open-ended" or "insurance unknown" without anyone noticing.
    required: bool
    width: int


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", True, 12),
    Column("id_number", "身份证号", True, 22),
    Column("phone", "手机号", False, 15),
    Column("category", "学徒类别", True, 12),
    Column("contract_start", "劳动合同开始日期", True, 18),
    Column("contract_end", "劳动合同结束日期", True, 18),
    Column("social_insurance", "是否缴纳社保", True, 14),
    Column("enterprise_mentor", "企业导师", False, 16),
    Column("institution_mentor", "院校导师", False, 16),
)
BY_KEY: dict[str, Column] = {column.key: column for column in COLUMNS}
TEMPLATE_HEADERS: tuple[str, ...] = tuple(column.zh for column in COLUMNS)

# Matched after trimming and case-folding, so " Name " and "ID_NUMBER" are recognised.
_ALIASES: dict[str, str] = {
    alias.casefold(): column.key for column in COLUMNS for alias in (column.zh, column.key)
}


def header_key(text: object) -> str | None:
    """The column a header cell names, or None for a column the import ignores."""
    if not isinstance(text, str):
        return None
    return _ALIASES.get(text.strip().casefold())


def column_label(key: str) -> str:
    """A column's name for a message about a column the file does not have."""
    column = BY_KEY[key]
    return column.key if (get_language() or "").startswith("en") else column.zh
