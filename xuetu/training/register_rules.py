"""The rules of a register (issue 9 item 3), pure: plain values in, Problems out
(docs/rules/registers.md). Each refusal has a stable code and a message in the user's language:

- `future_date`: a register is of something that happened, not on a future date;
- `outside_cohort_dates`: the date lies outside the class's dates, or outside the apprentice's
  own time in the class (before their training started, after it was completed);
- `during_pause`: the apprentice's training was paused on that date;
- `after_withdrawal`: the apprentice had withdrawn by that date;
- `overlap`: the apprentice was already in another register at that time (any class);
- `over_daily_limit`: the apprentice's hours that day would pass the policy's maximum;
- `not_responsible`: the person recording is neither the module's teacher or mentor nor the
  apprentice's own mentor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from xuetu.core.problems import Problem, say

CODES = (
    "outside_cohort_dates",
    "future_date",
    "during_pause",
    "after_withdrawal",
    "overlap",
    "over_daily_limit",
    "not_responsible",
)

FUTURE = _("A register cannot be recorded for a future date.")
OUTSIDE_CLASS = _("The date lies outside the class's dates (%(start)s to %(end)s).")
NOT_STARTED = _("%(name)s: the training had not started on that date.")
COMPLETED = _("%(name)s: the training had been completed by that date.")
PAUSED = _("%(name)s: the training was paused on that date.")
WITHDRAWN = _("%(name)s: the apprentice had withdrawn by that date.")
OVERLAP = _("%(name)s: already in another register from %(start)s to %(end)s that day.")
OVER_LIMIT = _(
    "%(name)s: %(hours)s hours that day would pass the most the policy allows, %(limit)s hours."
)
NOT_RESPONSIBLE = _(
    "%(name)s: only the module's teacher or mentor, or the apprentice's own mentor, may record "
    "these hours."
)
NOT_RESPONSIBLE_ANY = _(
    "Only the module's teacher or mentor, or an apprentice's own mentor, may record a register."
)


@dataclass(frozen=True)
class Slot:
    """A stretch of one day, in minutes from midnight."""

    start: int
    end: int

    @property
    def minutes(self) -> int:
        return self.end - self.start

    def overlaps(self, other: Slot) -> bool:
        return self.start < other.end and other.start < self.end

    def label(self) -> tuple[str, str]:
        return clock(self.start), clock(self.end)


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def minutes_of(time: dt.time) -> int:
    return time.hour * 60 + time.minute


@dataclass(frozen=True)
class Line:
    """What the rules know of one apprentice on a register."""

    name: str
    present: bool
    # The apprentice's time in the class: from the start of their training (None: not
    # started) to its completion (None: not completed), their withdrawal (None: none) and the
    # stretches their training was paused (end None: still paused; the end is the resumption).
    started_on: dt.date | None
    completed_on: dt.date | None = None
    withdrawn_on: dt.date | None = None
    pauses: Sequence[tuple[dt.date, dt.date | None]] = ()
    # The recorder is the apprentice's enterprise mentor or institution teacher.
    own_mentor: bool = False
    # The apprentice's other registers that day (in any class) and the minutes they count.
    same_day: Sequence[Slot] = ()
    minutes_that_day: int = 0


@dataclass(frozen=True)
class Register:
    date: dt.date
    slot: Slot
    today: dt.date
    class_start: dt.date
    class_end: dt.date
    # The recorder is the module's responsible teacher or mentor.
    responsible: bool
    max_minutes_per_day: int | None
    lines: Sequence[Line] = field(default_factory=tuple)


def register_problems(register: Register) -> list[Problem]:
    """Every reason the register cannot be recorded, the register's own first, then each
    apprentice's (the field names the line: `attendance.<i>`)."""
    problems: list[Problem] = []
    if register.date > register.today:
        problems.append(Problem("future_date", FUTURE, "date"))
    if not register.class_start <= register.date <= register.class_end:
        start, end = f"{register.class_start:%Y-%m-%d}", f"{register.class_end:%Y-%m-%d}"
        problems.append(
            Problem("outside_cohort_dates", say(OUTSIDE_CLASS, start=start, end=end), "date")
        )
    if not register.responsible and not any(line.own_mentor for line in register.lines):
        problems.append(Problem("not_responsible", NOT_RESPONSIBLE_ANY, "module"))
        return problems
    if problems:
        return problems
    for index, line in enumerate(register.lines):
        problems.extend(line_problems(register, line, f"attendance.{index}"))
    return problems


def line_problems(register: Register, line: Line, where: str) -> list[Problem]:
    on, name = register.date, line.name
    if not register.responsible and not line.own_mentor:
        return [Problem("not_responsible", say(NOT_RESPONSIBLE, name=name), where)]
    if line.withdrawn_on is not None and on >= line.withdrawn_on:
        return [Problem("after_withdrawal", say(WITHDRAWN, name=name), where)]
    if line.started_on is None or on < line.started_on:
        return [Problem("outside_cohort_dates", say(NOT_STARTED, name=name), where)]
    if line.completed_on is not None and on > line.completed_on:
        return [Problem("outside_cohort_dates", say(COMPLETED, name=name), where)]
    if any(start <= on and (end is None or on < end) for start, end in line.pauses):
        return [Problem("during_pause", say(PAUSED, name=name), where)]
    if not line.present:
        return []
    problems: list[Problem] = []
    clash = next((s for s in line.same_day if s.overlaps(register.slot)), None)
    if clash is not None:
        start, end = clash.label()
        problems.append(Problem("overlap", say(OVERLAP, name=name, start=start, end=end), where))
    limit = register.max_minutes_per_day
    total = line.minutes_that_day + register.slot.minutes
    if limit is not None and total > limit:
        problems.append(
            Problem(
                "over_daily_limit",
                say(OVER_LIMIT, name=name, hours=f"{total / 60:g}", limit=f"{limit / 60:g}"),
                where,
            )
        )
    return problems
