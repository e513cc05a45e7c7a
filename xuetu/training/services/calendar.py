"""The work–study calendar (工学交替, issue 9 item 2): the class's blocks of school and
workplace time, their writes, and the month grid drawn from them (with an apprentice's pauses
and withdrawal over them, and any further `marks` a later feature adds per day)."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import User
from xuetu.core.access import CHANGE, require
from xuetu.core.problems import Problem, refuse_if
from xuetu.core.services import apply_changes, lock, record_create, record_delete, record_update
from xuetu.programmes.choices import CohortStatus, EnrollmentEventKind
from xuetu.programmes.models import Cohort, Enrollment, EnrollmentEvent
from xuetu.programmes.services.lifecycle import standing
from xuetu.training.access import CALENDAR
from xuetu.training.models import Block

BLOCK_FIELDS = ("place", "starts_on", "ends_on", "note")
# Blocks change while the class is being filed, approved or running (DESIGN: draft … in_training).
CALENDAR_STATUSES = frozenset(
    {
        CohortStatus.DRAFT,
        CohortStatus.SUBMITTED,
        CohortStatus.RETURNED,
        CohortStatus.APPROVED,
        CohortStatus.IN_TRAINING,
    }
)
CLASS_CLOSED = Problem(
    "class_closed", _("The calendar of a completed, closed or ended class no longer changes."), None
)
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_YEAR, LAST_YEAR = 1900, 2100  # entered dates (core.validators)


def outside_dates(cohort: Cohort) -> Problem:
    return Problem(
        "outside_cohort_dates",
        _("A block must lie within the class's planned dates, %(start)s to %(end)s.")
        % {"start": f"{cohort.planned_start:%Y-%m-%d}", "end": f"{cohort.planned_end:%Y-%m-%d}"},
        "starts_on",
    )


def overlap(other: Block) -> Problem:
    return Problem(
        "block_overlap",
        _("The block overlaps another block of the class (%(block)s).") % {"block": other},
        "starts_on",
    )


def block_problems(cohort: Cohort, block: Block) -> list[Problem]:
    """What the rules find wrong with `block` as it would be stored in `cohort`."""
    if cohort.status not in CALENDAR_STATUSES:
        return [CLASS_CLOSED]
    if block.ends_on < block.starts_on:
        raise ValidationError({"ends_on": _("The block cannot end before it starts.")})
    problems = []
    if block.starts_on < cohort.planned_start or block.ends_on > cohort.planned_end:
        problems.append(outside_dates(cohort))
    others = Block.objects.filter(
        cohort=cohort, starts_on__lte=block.ends_on, ends_on__gte=block.starts_on
    ).exclude(pk=block.pk)
    if (other := others.first()) is not None:
        problems.append(overlap(other))
    return problems


def block_add(
    *,
    by: User | None,
    cohort: Cohort,
    place: str,
    starts_on: dt.date,
    ends_on: dt.date,
    note: str = "",
) -> Block:
    require(by, CALENDAR, cohort)
    with transaction.atomic():
        lock(cohort)
        block = Block(cohort=cohort, place=place, starts_on=starts_on, ends_on=ends_on)
        block.note = note.strip()
        refuse_if(block_problems(cohort, block))
        return record_create(by=by, instance=block, organisation=cohort.enterprise)


def block_update(*, by: User | None, block: Block, **changes: Any) -> Block:
    require(by, CHANGE, block)
    with transaction.atomic():
        stored = Block.objects.select_related("cohort").get(pk=block.pk)
        lock(stored.cohort)
        if stored.cohort.status not in CALENDAR_STATUSES:
            refuse_if([CLASS_CLOSED])
        if apply_changes(stored, changes, editable=BLOCK_FIELDS):
            refuse_if(block_problems(stored.cohort, stored))
            record_update(by=by, instance=stored, organisation=stored.cohort.enterprise)
    return stored


def block_remove(*, by: User | None, block: Block) -> Cohort:
    require(by, CHANGE, block)
    cohort = block.cohort
    with transaction.atomic():
        lock(cohort)
        refuse_if([] if cohort.status in CALENDAR_STATUSES else [CLASS_CLOSED])
        record_delete(by=by, instance=block, organisation=cohort.enterprise)
    return cohort


# ---- Reads -----------------------------------------------------------------------------------


def parse_month(value: str | None, today: dt.date) -> tuple[dt.date, bool]:
    """The first day of the month `YYYY-MM` names, and whether it was understood; anything
    else (junk, month 13, a year outside 1900–2100) is today's month."""
    match = MONTH_RE.match(value or "")
    if match:
        year, month = int(match[1]), int(match[2])
        if FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12:
            return dt.date(year, month, 1), True
    return today.replace(day=1), not value


def shift_month(first: dt.date, months: int) -> dt.date | None:
    """The first day of the month `months` away, or None past the entered years."""
    year, month = divmod(first.year * 12 + first.month - 1 + months, 12)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    return dt.date(year, month + 1, 1)


@dataclass
class Day:
    date: dt.date
    in_month: bool
    place: str = ""  # a BlockPlace value, or "" for none
    paused: bool = False
    withdrawn: bool = False
    labels: list[str] = field(default_factory=list)

    @property
    def mark(self) -> str:
        """The one colour class the day shows: withdrawn, paused, else its block's place."""
        if self.withdrawn:
            return "withdrawn"
        if self.paused:
            return "paused"
        return self.place or "none"


@dataclass(frozen=True)
class Pauses:
    spans: list[tuple[dt.date, dt.date | None]]  # [from, until) — None: not resumed
    withdrawn_on: dt.date | None

    def paused(self, day: dt.date) -> bool:
        return any(start <= day and (end is None or day < end) for start, end in self.spans)


def pause_spans(events: Iterable[tuple[str, dt.date]]) -> list[tuple[dt.date, dt.date | None]]:
    """[paused, resumed) spans from (kind, effective date) events in date order."""
    spans: list[tuple[dt.date, dt.date | None]] = []
    start: dt.date | None = None
    for kind, on in events:
        if kind == EnrollmentEventKind.PAUSED and start is None:
            start = on
        elif kind == EnrollmentEventKind.RESUMED and start is not None:
            spans.append((start, on))
            start = None
    if start is not None:
        spans.append((start, None))
    return spans


def pauses_of(enrollment: Enrollment) -> Pauses:
    """The enrollment's pauses and withdrawal: one query."""
    rows = (
        standing(EnrollmentEvent.objects.filter(enrollment=enrollment))
        .filter(kind__in=(EnrollmentEventKind.PAUSED, EnrollmentEventKind.RESUMED))
        .order_by("effective_date", "pk")
        .values_list("kind", "effective_date")
    )
    return Pauses(pause_spans(rows), enrollment.withdrawn_on)


def month_blocks(cohort: Cohort, first: dt.date) -> list[Block]:
    last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
    return list(
        Block.objects.filter(cohort=cohort, starts_on__lte=last, ends_on__gte=first).order_by(
            "starts_on"
        )
    )


def month_grid(
    cohort: Cohort,
    month: dt.date,
    enrollment: Enrollment | None = None,
    marks: Mapping[dt.date, list[str]] | None = None,
) -> list[list[Day]]:
    """Weeks (Monday to Sunday) of the month holding `month`, each day marked with its block's
    place, and for an `enrollment` its pauses and the days after its withdrawal; `marks` adds
    labels per date (a later register's sessions). Two queries at most."""
    first = month.replace(day=1)
    blocks = month_blocks(cohort, first)
    pauses = pauses_of(enrollment) if enrollment is not None else None
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        days = []
        for day in week:
            cell = Day(day, day.month == first.month)
            for block in blocks:
                if block.starts_on <= day <= block.ends_on:
                    cell.place = block.place
                    break
            if pauses is not None:
                cell.paused = pauses.paused(day)
                cell.withdrawn = pauses.withdrawn_on is not None and day > pauses.withdrawn_on
            if marks:
                cell.labels = list(marks.get(day, []))
            days.append(cell)
        weeks.append(days)
    return weeks


def calendar_blocks(cohort: Cohort):
    return Block.objects.filter(cohort=cohort).order_by("starts_on", "pk")
