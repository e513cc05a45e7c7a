"""The subsidies' documents (issue 10, items 5 and 10): a public notice as PDF and Excel (the
content frozen when it was published: masked names, no ID numbers), a claim as PDF (its lines,
checks and explanations, the payee's account masked), and the finance bureau's payment list as
Excel, the one place the payee's account number appears whole.

Amounts are Decimal end to end: a spreadsheet cell holds the Decimal as a number shown "0.00",
never text and never a float."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from xuetu.core.excel import HEADER_FILL, HEADER_FONT, put, sheet_title
from xuetu.core.pdf import render_pdf
from xuetu.registry.choices import SkillLevel
from xuetu.subsidies.choices import CheckResult, ClaimKind, LedgerKind
from xuetu.subsidies.models import Claim, ClaimLine, LedgerEntry, Notice, get_language_code
from xuetu.subsidies.money import ZERO

MONEY_FORMAT = "0.00"
RUNNING, ENDED, WITHDRAWN = "running", "ended", "withdrawn"


def notice_status(notice: Notice, today: dt.date) -> str:
    if notice.withdrawn_at is not None:
        return WITHDRAWN
    return RUNNING if notice.running(today) else ENDED


def status_labels() -> dict[str, str]:
    return {
        RUNNING: pgettext("public notice", "Running"),
        ENDED: _("Ended"),
        WITHDRAWN: _("Withdrawn: an objection is being reviewed"),
    }


def money(value: Any) -> Decimal:
    """A stored amount ("12000.00") as the Decimal a cell holds."""
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except ArithmeticError:
        return ZERO


@dataclass(frozen=True)
class NoticeView:
    """A notice as its pages and files show it, from its frozen content alone."""

    notice: Notice
    status: str

    @property
    def content(self) -> dict[str, Any]:
        return self.notice.content if isinstance(self.notice.content, dict) else {}

    @property
    def status_label(self) -> str:
        return status_labels()[self.status]

    @property
    def url(self) -> str:
        return self.notice.get_absolute_url()

    @property
    def pdf_url(self) -> str:
        return reverse("notices:pdf", args=[self.notice.pk])

    @property
    def xlsx_url(self) -> str:
        return reverse("notices:xlsx", args=[self.notice.pk])

    @property
    def running(self) -> bool:
        return self.status == RUNNING

    @property
    def occupation(self) -> str:
        """The occupation's name in the reader's language (both were frozen with the notice)."""
        english = self.content.get("occupation_en", "")
        if english and (get_language() or "").startswith("en"):
            return str(english)
        return str(self.content.get("occupation", ""))

    @property
    def kind_label(self) -> str:
        kind = self.content.get("kind", "")
        return str(ClaimKind(kind).label) if kind in ClaimKind.values else str(kind)

    @property
    def amount(self) -> Decimal:
        return money(self.content.get("amount", "0"))

    @property
    def people(self) -> list[dict[str, Any]]:
        return [
            {"name": str(p.get("name", "")), "level": level_label(p.get("level")), **_amount(p)}
            for p in self.content.get("people", [])
            if isinstance(p, dict)
        ]


def _amount(person: dict[str, Any]) -> dict[str, Decimal]:
    return {"amount": money(person.get("amount", "0"))}


def level_label(level: Any) -> str:
    return str(SkillLevel(level).label) if level in SkillLevel.values else "—"


def notice_view(notice: Notice, today: dt.date) -> NoticeView:
    return NoticeView(notice, notice_status(notice, today))


# A public notice as PDF and Excel -----------------------------------------------------------
def notice_pdf(view: NoticeView) -> bytes:
    return render_pdf("pdf/subsidies_notice.html", {"view": view, "notice": view.notice})


def notice_xlsx(view: NoticeView) -> bytes:
    notice, content = view.notice, view.content
    book = _Book(_("Public notice"))
    book.pairs(
        [
            (_("Enterprise"), content.get("enterprise", "")),
            (_("Class"), f"{content.get('cohort_code', '')} {content.get('cohort_name', '')}"),
            (_("Occupation"), view.occupation),
            (_("Kind"), view.kind_label),
            (_("Headcount"), content.get("headcount", 0)),
            (_("Amount (yuan)"), view.amount),
            (_("First working day"), notice.starts_on),
            (_("Last working day"), notice.ends_on),
            (_("Status"), view.status_label),
        ]
    )
    book.blank()
    book.table(
        [_("Name"), _("Level"), _("Amount (yuan)")],
        [[p["name"], p["level"], p["amount"]] for p in view.people],
        money_columns={3},
    )
    return book.save()


# A claim as PDF -----------------------------------------------------------------------------
def claim_pdf(claim: Claim, lines: Iterable[ClaimLine]) -> bytes:
    """The claim with its lines, each line's checks that failed or need review with their
    message, and the explanation, in the reader's language; the account masked."""
    language = get_language_code()
    results = dict(CheckResult.choices)
    rows = [
        {
            "line": line,
            "explanation": line.explanation(),
            "flagged": [
                {
                    "code": check.get("code", ""),
                    "result": results.get(str(check.get("result")), check.get("result", "")),
                    "message": check.get(language) or check.get("zh", ""),
                }
                for check in (line.checks or [])
                if isinstance(check, dict) and check.get("result") != CheckResult.PASS
            ],
        }
        for line in lines
    ]
    return render_pdf("pdf/subsidies_claim.html", {"claim": claim, "rows": rows})


# The finance bureau's payment list -----------------------------------------------------------
def payments(start: dt.date, end: dt.date) -> QuerySet[LedgerEntry]:
    return (
        LedgerEntry.objects.filter(kind=LedgerKind.PAYMENT, on__gte=start, on__lte=end)
        .select_related("claim__cohort__enterprise")
        .order_by("on", "pk")
    )


def finance_xlsx(entries: Iterable[LedgerEntry], start: dt.date, end: dt.date) -> bytes:
    """One row per payment with the FULL account number, a total row holding the Decimal sum,
    and under it a SUM formula a spreadsheet recomputes to the same figure."""
    book = _Book(_("Payments"))
    book.pairs([(_("Payment period"), f"{start:%Y-%m-%d} – {end:%Y-%m-%d}")])
    book.blank()
    headers = [
        _("Claim"),
        _("Enterprise"),
        _("Unified social credit code"),
        _("Class code"),
        _("Kind"),
        _("Bank"),
        _("Account name"),
        _("Account number"),
        _("Amount (yuan)"),
        _("Date"),
    ]
    rows = []
    total = ZERO
    for entry in entries:
        claim = entry.claim
        cohort = claim.cohort
        total += entry.amount
        rows.append(
            [
                claim.pk,
                cohort.enterprise.name,
                cohort.enterprise.uscc,
                cohort.code,
                claim.get_kind_display(),
                claim.payee_bank,
                claim.payee_name,
                claim.payee_account,
                entry.amount,
                entry.on,
            ]
        )
    first = book.row + 1
    book.table(headers, rows, money_columns={9})
    last = book.row
    amount_column = get_column_letter(9)
    book.total(_("Total"), 9, total)
    book.formula(
        _("Total recomputed by the spreadsheet"),
        9,
        f"=SUM({amount_column}{first + 1}:{amount_column}{max(last, first + 1)})",
    )
    return book.save()


class _Book:
    """A one-sheet workbook written top to bottom; strings always text (core.excel.put),
    amounts numbers shown 0.00."""

    def __init__(self, title: str) -> None:
        self.workbook = Workbook()
        self.sheet = self.workbook.active
        self.sheet.title = sheet_title(title)
        self.row = 0
        self.widths: dict[int, int] = {}

    def _write(self, values: Sequence[Any], money_columns: Collection[int] = ()) -> None:
        self.row += 1
        for column, value in enumerate(values, start=1):
            cell = put(self.sheet.cell(self.row, column), value)
            if column in money_columns or isinstance(value, Decimal):
                cell.number_format = MONEY_FORMAT
            width = min(len(str(value if value is not None else "")) * 2 + 2, 60)
            self.widths[column] = max(self.widths.get(column, 8), width)

    def pairs(self, pairs: Iterable[tuple[str, Any]]) -> None:
        for label, value in pairs:
            self._write([label, value])
            self.sheet.cell(self.row, 1).font = HEADER_FONT

    def blank(self) -> None:
        self.row += 1

    def table(
        self,
        headers: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        money_columns: Collection[int],
    ) -> None:
        self._write(headers)
        for cell in self.sheet[self.row]:
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        for row in rows:
            self._write(row, money_columns)

    def total(self, label: str, column: int, amount: Decimal) -> None:
        self._write([label] + [None] * (column - 2) + [amount], {column})
        for cell in self.sheet[self.row]:
            cell.font = Font(bold=True)

    def formula(self, label: str, column: int, formula: str) -> None:
        self._write([label])
        cell = self.sheet.cell(self.row, column)
        cell.value = formula  # our own formula, never text from a row
        cell.number_format = MONEY_FORMAT

    def save(self) -> bytes:
        for column, width in self.widths.items():
            self.sheet.column_dimensions[get_column_letter(column)].width = width
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()
