"""The roster file's columns: the template's Chinese headers in the template's order (the key
is accepted as the English header), each with the cleaner its cells go through."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xuetu.core.imports import Column, Columns, cells
from xuetu.programmes.choices import ApprenticeCategory

NAME_MAX_LENGTH = 60  # Person.name

CATEGORIES: dict[str, str] = {
    "新入职": ApprenticeCategory.NEW_HIRE,
    "new_hire": ApprenticeCategory.NEW_HIRE,
    "在岗": ApprenticeCategory.IN_POST,
    "in_post": ApprenticeCategory.IN_POST,
    "转岗": ApprenticeCategory.TRANSFERRED,
    "transferred": ApprenticeCategory.TRANSFERRED,
}
category = cells.choice(
    CATEGORIES,
    _("Choose 新入职, 在岗 or 转岗 (or new_hire, in_post, transferred)."),
    code="category_unknown",
)

# Contract end and social insurance must be there as columns although a contract end may be
# blank: a missing column would otherwise read as "every contract is open-ended" or
# "insurance unknown" without anyone noticing.
COLUMNS = Columns(
    [
        Column("name", "姓名", cells.person_name(max_length=NAME_MAX_LENGTH), width=12),
        Column("id_number", "身份证号", cells.resident_id, width=22),
        Column("phone", "手机号", cells.mobile, required=False, blank=True, empty="", width=15),
        Column("category", "学徒类别", category, width=12),
        Column("contract_start", "劳动合同开始日期", cells.date, width=18),
        Column("contract_end", "劳动合同结束日期", cells.date, blank=True, width=18),
        Column("social_insurance", "是否缴纳社保", cells.yes_no, width=14),
        Column(
            "enterprise_mentor",
            "企业导师",
            cells.name_or_id,
            required=False,
            blank=True,
            empty="",
            width=16,
        ),
        Column(
            "institution_mentor",
            "院校导师",
            cells.name_or_id,
            required=False,
            blank=True,
            empty="",
            width=16,
        ),
    ]
)
TEMPLATE_HEADERS: tuple[str, ...] = tuple(column.header for column in COLUMNS)
