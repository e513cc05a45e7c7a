"""The programme's rules as pure functions over plain values: no database, no clock.

Each check returns a list of `Problem`s, empty when all is well, so a filing can be refused
with every problem at once. Policy values come from a `ProgrammePolicy` (saved or not: only
its attributes are read).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.translation import gettext_lazy as _

from xuetu.core.dates import add_days, add_months, age_on, duration_months
from xuetu.core.problems import Problem, say
from xuetu.programmes.choices import MentorKind


class Policy(Protocol):
    """The policy values the rules read (a `ProgrammePolicy` has them all)."""

    mentor_max_apprentices: int
    substitution_months: int
    min_contract_months: int
    min_duration_months: int
    max_duration_months: int
    special_max_duration_months: int
    min_age: int
    retirement_schedule: Any  # {track: {base_age, first_birth_month, step, cap}}: see below
    mentor_min_level: int


# Apprentices -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Apprentice:
    """What eligibility needs to know about one person on one roster."""

    gender: str
    birth_date: dt.date
    contract_start: dt.date
    contract_end: dt.date | None  # None: open-ended contract
    social_insurance: bool = True
    is_full_time_student: bool = False
    is_pensioner: bool = False
    retirement_track: str = ""  # blank: the default for the gender (retirement_track_for)
    active_elsewhere: Sequence[str] = ()  # codes of other classes the person is active in
    prior_subsidies: Iterable[tuple[str, int]] = ()  # (occupation code, level) already paid


def apprentice_problems(
    apprentice: Apprentice,
    *,
    start: dt.date,
    occupation_code: str,
    target_level: int,
    policy: Policy,
) -> list[Problem]:
    """Eligibility of one apprentice who starts training on `start` (the class's start, or
    the day a substitute or transferee joins)."""
    return [
        *contract_problems(apprentice, start=start, policy=policy),
        *age_problems(
            apprentice.gender,
            apprentice.birth_date,
            start=start,
            policy=policy,
            track=apprentice.retirement_track,
        ),
        *status_problems(apprentice),
        *subsidy_problems(apprentice.prior_subsidies, occupation_code, target_level),
    ]


def contract_problems(apprentice: Apprentice, *, start: dt.date, policy: Policy) -> list[Problem]:
    problems = []
    begins, ends = apprentice.contract_start, apprentice.contract_end
    if begins > start or (ends is not None and ends < start):
        problems.append(
            Problem(
                "contract_not_covering_start",
                say(
                    _("The labour contract does not cover the start of training (%(start)s)."),
                    start=start.isoformat(),
                ),
                "contract_start" if begins > start else "contract_end",
            )
        )
    if ends is not None and duration_months(begins, ends) < policy.min_contract_months:
        problems.append(
            Problem(
                "contract_too_short",
                say(
                    _("The labour contract is shorter than %(months)s months."),
                    months=policy.min_contract_months,
                ),
                "contract_end",
            )
        )
    if not apprentice.social_insurance:
        problems.append(
            Problem("no_social_insurance", _("Social insurance is not paid."), "social_insurance")
        )
    return problems


# The statutory retirement age (国务院关于渐进式延迟法定退休年龄的办法, art. 1): from an
# original age (60 for men, 55 or 50 for women), later birth months retire later, by one month
# per `step` birth months counted from `first_birth_month`, at most `cap` months later.
MALE_60, FEMALE_55, FEMALE_50 = "male_60", "female_55", "female_50"
RETIREMENT_TRACKS = (MALE_60, FEMALE_55, FEMALE_50)
TRACK_GENDER = {MALE_60: "M", FEMALE_55: "F", FEMALE_50: "F"}
LAW_RETIREMENT_SCHEDULE: dict[str, dict[str, Any]] = {
    MALE_60: {"base_age": 60, "first_birth_month": "1965-01", "step": 4, "cap": 36},
    FEMALE_55: {"base_age": 55, "first_birth_month": "1970-01", "step": 4, "cap": 36},
    FEMALE_50: {"base_age": 50, "first_birth_month": "1975-01", "step": 2, "cap": 60},
}
TRACK_KEYS = ("base_age", "first_birth_month", "step", "cap")


@dataclass(frozen=True)
class RetirementTrack:
    base_age: int
    first_year: int
    first_month: int
    step: int  # birth months per month of delay
    cap: int  # largest delay, in months


def retirement_track_for(gender: str, chosen: str = "") -> str:
    """The person's original retirement track: the one chosen if it fits the gender, else the
    default: 60 for men, 50 for women (the age of women on skill posts, which apprentices hold)."""
    if TRACK_GENDER.get(chosen) == gender:
        return chosen
    return MALE_60 if gender == "M" else FEMALE_50


def _birth_month(value: object) -> tuple[int, int] | None:
    if not isinstance(value, str) or len(value) != 7 or value[4] != "-":
        return None
    year, month = value[:4], value[5:]
    if not (year.isdigit() and month.isdigit() and 1 <= int(month) <= 12):
        return None
    return int(year), int(month)


def schedule_problems(schedule: object) -> list[Problem]:
    """What is wrong with a retirement schedule as stored in a policy (empty when it is whole):
    each of the three tracks, each with a base age of 16–80, a first birth month "YYYY-MM", a
    step of 1–12 birth months and a cap of 0–120 months."""
    if not isinstance(schedule, Mapping) or set(schedule) != set(RETIREMENT_TRACKS):
        message = say(
            _("The schedule must list exactly the tracks %(tracks)s."),
            tracks=", ".join(RETIREMENT_TRACKS),
        )
        return [Problem("schedule_tracks", message, "retirement_schedule")]
    problems = []
    bounds = {"base_age": (16, 80), "step": (1, 12), "cap": (0, 120)}
    for name in RETIREMENT_TRACKS:
        track = schedule[name]
        if not isinstance(track, Mapping) or set(track) != set(TRACK_KEYS):
            message = say(
                _("Track %(track)s must give %(keys)s."), track=name, keys=", ".join(TRACK_KEYS)
            )
            problems.append(Problem("schedule_track_keys", message, "retirement_schedule"))
            continue
        for key, (low, high) in bounds.items():
            value = track[key]
            if type(value) is not int or not low <= value <= high:
                message = say(
                    _("Track %(track)s: %(key)s must be a whole number from %(low)s to %(high)s."),
                    track=name,
                    key=key,
                    low=low,
                    high=high,
                )
                problems.append(Problem("schedule_value", message, "retirement_schedule"))
        if _birth_month(track["first_birth_month"]) is None:
            message = say(
                _("Track %(track)s: first_birth_month must be a month written YYYY-MM."),
                track=name,
            )
            problems.append(Problem("schedule_value", message, "retirement_schedule"))
    return problems


def retirement_track(schedule: Mapping[str, Any], name: str) -> RetirementTrack:
    """One track of a schedule `schedule_problems` found whole."""
    row = schedule[name]
    first = _birth_month(row["first_birth_month"])
    assert first is not None  # the policy's validator refuses any other
    return RetirementTrack(row["base_age"], first[0], first[1], row["step"], row["cap"])


def retirement_delay(track: RetirementTrack, birth_year: int, birth_month: int) -> int:
    """Months later than the original age, for a birth in this month."""
    index = (birth_year - track.first_year) * 12 + (birth_month - track.first_month) + 1
    return 0 if index <= 0 else min(track.cap, math.ceil(index / track.step))


def retirement_month(track: RetirementTrack, birth_date: dt.date) -> dt.date:
    """The first day of the month the person reaches the statutory retirement age."""
    delay = retirement_delay(track, birth_date.year, birth_date.month)
    return add_months(birth_date.replace(day=1), track.base_age * 12 + delay)


def age_problems(
    gender: str, birth_date: dt.date, *, start: dt.date, policy: Policy, track: str = ""
) -> list[Problem]:
    """At least `min_age` on the start day, and the start before the month of retirement."""
    age = age_on(birth_date, start)
    if age < policy.min_age:
        message = say(_("Younger than %(age)s at the start of training."), age=policy.min_age)
        return [Problem("too_young", message, "birth_date")]
    chosen = retirement_track(policy.retirement_schedule, retirement_track_for(gender, track))
    retires = retirement_month(chosen, birth_date)
    if start >= retires:
        message = say(
            _("At or past the statutory retirement age (from %(month)s) at the start."),
            month=f"{retires:%Y-%m}",
        )
        return [Problem("retirement_age", message, "birth_date")]
    return []


def status_problems(apprentice: Apprentice) -> list[Problem]:
    # Full-time students and pensioners are the "fake trainees" the 2022 national audit found.
    problems = []
    if apprentice.is_full_time_student:
        problems.append(
            Problem("full_time_student", _("A full-time student cannot be an apprentice."), None)
        )
    if apprentice.is_pensioner:
        problems.append(Problem("pensioner", _("A pensioner cannot be an apprentice."), None))
    if apprentice.active_elsewhere:
        # Not which class: it may be another enterprise's, whose classes are its own.
        message = _("This person is already in another live class.")
        problems.append(Problem("active_elsewhere", message, "person"))
    return problems


def subsidy_problems(
    prior: Iterable[tuple[str, int]], occupation_code: str, target_level: int
) -> list[Problem]:
    """Once per occupation and level, ever; a higher (numerically lower) level blocks too."""
    blocking = [level for code, level in prior if code == occupation_code and level <= target_level]
    if not blocking:
        return []
    message = say(
        _("Already subsidised for this occupation at level %(level)s."), level=min(blocking)
    )
    return [Problem("already_subsidised", message, "person")]


# Classes -----------------------------------------------------------------------------------
def duration_problems(
    start: dt.date, end: dt.date, *, special_approval: str, policy: Policy
) -> list[Problem]:
    if end <= start:
        return [Problem("dates_reversed", _("The class must end after it starts."), "planned_end")]
    months = duration_months(start, end)
    longest = (
        policy.special_max_duration_months
        if special_approval.strip()
        else policy.max_duration_months
    )
    if policy.min_duration_months <= months <= longest:
        return []
    message = say(
        _(
            "The class lasts %(months)s months; it must last %(min)s to %(max)s months "
            "(up to %(special)s with a recorded special approval)."
        ),
        months=months,
        min=policy.min_duration_months,
        max=policy.max_duration_months,
        special=policy.special_max_duration_months,
    )
    return [Problem("duration_out_of_range", message, "planned_end")]


@dataclass(frozen=True)
class AgreementFacts:
    confirmed: bool
    valid_from: dt.date
    valid_to: dt.date
    same_parties: bool = True


def agreement_problems(
    agreement: AgreementFacts | None, *, start: dt.date, end: dt.date
) -> list[Problem]:
    if agreement is None:
        message = _("No cooperation agreement is attached.")
    elif not agreement.same_parties:
        message = _("The agreement is between other parties.")
    elif not agreement.confirmed:
        message = _("The agreement is not yet confirmed by both sides.")
    elif not (agreement.valid_from <= start and end <= agreement.valid_to):
        message = say(
            _("The agreement is in force from %(start)s to %(end)s, not for the class's dates."),
            start=agreement.valid_from.isoformat(),
            end=agreement.valid_to.isoformat(),
        )
    else:
        return []
    return [Problem("agreement_not_in_force", message, "agreement")]


def substitution_problems(
    *, planned_start: dt.date, effective_date: dt.date, policy: Policy
) -> list[Problem]:
    cutoff = add_months(planned_start, policy.substitution_months)
    if effective_date <= cutoff:
        return []
    message = say(_("Substitutions are allowed until %(date)s."), date=cutoff.isoformat())
    return [Problem("substitution_too_late", message, "effective_date")]


def resumed_planned_end(
    planned_end: dt.date, *, paused_from: dt.date, resumed_on: dt.date
) -> dt.date:
    """The planned end moves by the length of the pause."""
    return add_days(planned_end, (resumed_on - paused_from).days)


# Mentors -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class MentorFacts:
    key: str
    name: str
    kind: str
    certificate_level: int | None = None
    recognised: bool = False
    recognition_reason: str = ""
    recognition_approved_by: str = ""
    capacity: int | None = None
    is_active: bool = True
    load: int = 0  # enrollments in progress (enrolled, active or paused) with this mentor


def mentor_problems(mentor: MentorFacts, policy: Policy) -> list[Problem]:
    """An enterprise mentor holds a certificate at the policy's level or higher (level 1 is
    the highest) or is recognised by the enterprise, with a reason and an approver.
    Institution teachers are qualified by their institution."""
    if not mentor.is_active:
        message = say(_("%(name)s is no longer an active mentor."), name=mentor.name)
        return [Problem("mentor_inactive", message, None)]
    if mentor.kind != MentorKind.ENTERPRISE:
        return []
    by_level = mentor.certificate_level is not None and (
        mentor.certificate_level <= policy.mentor_min_level
    )
    by_recognition = mentor.recognised and bool(
        mentor.recognition_reason.strip() and mentor.recognition_approved_by.strip()
    )
    if by_level or by_recognition:
        return []
    message = say(
        _(
            "%(name)s holds no certificate at level %(level)s or higher and is not recognised "
            "as highly skilled."
        ),
        name=mentor.name,
        level=policy.mentor_min_level,
    )
    return [Problem("mentor_unqualified", message, "certificate_level")]


def mentor_limit(
    kind: str, capacity: int | None, policy: Policy, *, ratio: int | None = None
) -> int | None:
    """How many apprentices a mentor may take. The policy's ratio (Chongqing: "in principle"
    10) is about the enterprise's 师傅; `ratio` is an exception a reviewer approved for the
    class, which replaces it. An institution teacher teaches whole classes, so only a capacity
    set on the teacher limits them (None: no limit)."""
    if kind != MentorKind.ENTERPRISE:
        return capacity
    allowed = policy.mentor_max_apprentices if ratio is None else ratio
    if capacity is None:
        return allowed
    return min(capacity, allowed)


def capacity_problems(
    mentor: MentorFacts, policy: Policy, *, adding: int = 0, ratio: int | None = None
) -> list[Problem]:
    """Whether `mentor` can take `adding` more apprentices than the `load` they carry."""
    limit = mentor_limit(mentor.kind, mentor.capacity, policy, ratio=ratio)
    if limit is None or mentor.load + adding <= limit:
        return []
    message = say(
        _("%(name)s would have %(count)s apprentices; the limit is %(limit)s."),
        name=mentor.name,
        count=mentor.load + adding,
        limit=limit,
    )
    return [Problem("mentor_over_capacity", message, "mentor")]


def capacity_setting_problems(kind: str, capacity: int | None, policy: Policy) -> list[Problem]:
    """An enterprise mentor's own capacity may lower the policy's ratio, never raise it: a
    higher figure is refused, not quietly cut (a class's approved exception is the reviewer's,
    on the class). A teacher's capacity is the institution's own."""
    limit = policy.mentor_max_apprentices
    if kind != MentorKind.ENTERPRISE or capacity is None or capacity <= limit:
        return []
    message = say(
        _(
            "The policy allows at most %(limit)s apprentices per enterprise mentor; enter "
            "%(limit)s or fewer, or leave it empty."
        ),
        limit=limit,
    )
    return [Problem("mentor_capacity_above_limit", message, "capacity")]


def unassignable_reason(
    mentor: MentorFacts, policy: Policy, *, ratio: int | None = None
) -> Problem | None:
    """Why a picker leaves `mentor` out, in a few words a clerk reads beside the name: the
    first of `mentor_problems` and `capacity_problems` (one more apprentice) that fails, with
    the same code; None when the mentor can take one more."""
    if mentor_problems(mentor, policy):
        return Problem("mentor_unqualified", _unqualified_words(mentor, policy), None)
    if capacity_problems(mentor, policy, adding=1, ratio=ratio):
        limit = mentor_limit(mentor.kind, mentor.capacity, policy, ratio=ratio)
        message = say(_("already mentors %(limit)s apprentices, the limit"), limit=limit)
        return Problem("mentor_over_capacity", message, None)
    return None


def _unqualified_words(mentor: MentorFacts, policy: Policy) -> Any:  # a lazy str
    if not mentor.is_active:
        return _("no longer active")
    if mentor.certificate_level is None:
        return _("no vocational qualification or skill level certificate")
    return say(
        _("certificate at level %(held)s; level %(level)s or higher is needed"),
        held=mentor.certificate_level,
        level=policy.mentor_min_level,
    )


# The whole filing ----------------------------------------------------------------------------
MENTOR_ROLES = (
    ("enterprise_mentor", MentorKind.ENTERPRISE, _("No enterprise mentor.")),
    ("institution_mentor", MentorKind.INSTITUTION, _("No institution teacher.")),
)


@dataclass(frozen=True)
class RosterLine:
    key: str  # the enrollment's id, so a page can point at the row
    name: str
    apprentice: Apprentice
    enterprise_mentor: MentorFacts | None = None
    institution_mentor: MentorFacts | None = None


@dataclass(frozen=True)
class Filing:
    """Everything the submit check reads about a class (开班申请)."""

    agreement: AgreementFacts | None
    has_plan: bool
    planned_start: dt.date
    planned_end: dt.date
    special_approval: str
    planned_headcount: int
    occupation_code: str
    target_level: int
    roster: Sequence[RosterLine] = field(default_factory=tuple)
    mentor_ratio: int | None = None  # a reviewer-approved exception to the policy's ratio
    # The plan's problems as the training app answers them (None: no app answers, and the
    # free-text plan summary stands for the plan).
    plan_problems: Sequence[Problem] | None = None


def filing_problems(filing: Filing, policy: Policy) -> list[Problem]:
    """Every reason the filing cannot be submitted, in the order a reviewer reads them."""
    start, end = filing.planned_start, filing.planned_end
    problems = [
        *agreement_problems(filing.agreement, start=start, end=end),
        *duration_problems(start, end, special_approval=filing.special_approval, policy=policy),
    ]
    if filing.plan_problems is not None:
        problems += filing.plan_problems
    elif not filing.has_plan:
        problems.append(Problem("no_plan", _("The class has no training plan."), "plan_summary"))
    problems += roster_problems(filing, policy)
    problems += mentor_roster_problems(filing.roster, policy, ratio=filing.mentor_ratio)
    return problems


def roster_problems(filing: Filing, policy: Policy) -> list[Problem]:
    count = len(filing.roster)
    if not count:
        return [Problem("roster_empty", _("The roster is empty."), "enrollments")]
    problems = []
    if count != filing.planned_headcount:
        message = say(
            _("The roster lists %(count)s apprentices but the planned headcount is %(planned)s."),
            count=count,
            planned=filing.planned_headcount,
        )
        problems.append(Problem("headcount_mismatch", message, "planned_headcount"))
    for line in filing.roster:
        found = apprentice_problems(
            line.apprentice,
            start=filing.planned_start,
            occupation_code=filing.occupation_code,
            target_level=filing.target_level,
            policy=policy,
        )
        problems += [p.about(line.name, f"enrollments.{line.key}") for p in found]
    return problems


def mentor_roster_problems(
    roster: Sequence[RosterLine], policy: Policy, *, ratio: int | None = None
) -> list[Problem]:
    """Missing mentors per apprentice; qualification and capacity once per mentor."""
    problems: list[Problem] = []
    mentors: dict[str, MentorFacts] = {}
    for line in roster:
        for attribute, _kind, missing in MENTOR_ROLES:
            mentor = getattr(line, attribute)
            if mentor is None:
                problems.append(
                    Problem("mentor_missing", missing, attribute).about(
                        line.name, f"enrollments.{line.key}"
                    )
                )
            else:
                mentors.setdefault(mentor.key, mentor)
    for mentor in mentors.values():
        problems += mentor_problems(mentor, policy)
        problems += capacity_problems(mentor, policy, ratio=ratio)
    return problems
