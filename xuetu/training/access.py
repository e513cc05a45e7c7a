"""Who reaches training plans and their modules (core.access). A plan is read by everyone who
sees its class (the class's table, programmes.access: the parties, the district, the mentors
and teachers of its apprentices, the apprentices themselves); it is changed by the class's two
parties, the enterprise manager and the teaching institution's manager (under a confirmed
agreement). Whether the class may still be changed (draft or returned) is the services'
question, refused with a code."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model, Q

from xuetu.accounts.choices import Role
from xuetu.core.access import (
    ANYONE,
    CHANGE,
    VIEW,
    Grant,
    Reach,
    access_table,
    allow,
    in_organisations,
    of_user,
)
from xuetu.programmes.access import PARTNER_CLASSES, lettered_cohorts, mentored, partner_cohorts
from xuetu.programmes.models import Cohort, Enrollment
from xuetu.training.models import (
    Assessment,
    Block,
    Evidence,
    Hours,
    Module,
    Review,
    Session,
    TrainingPlan,
)

EM, IM, MENTOR = Role.ENTERPRISE_MANAGER, Role.INSTITUTION_MANAGER, Role.MENTOR
PLAN = "plan"  # on a class: drawing up its training plan
CALENDAR = "calendar"  # on a class: its work–study blocks
REGISTER = "register"  # on a class: recording registers (the rules say for which module)
CONFIRM = "confirm"  # on hours: the apprentice or the other mentor
DISPUTE = "dispute"  # on hours: the apprentice
RESOLVE = "resolve"  # on hours: the module's responsible person or a manager of the class
CORRECT = "correct"  # on hours: a new entry cancelling a wrong one, with a reason
SIGN = "sign"  # on a review: mentor, teacher, apprentice in that order (the rules)
ASSESS = "assess"  # on a class: recording its apprentices' assessments

PARTIES: list[tuple[str, Callable[[str], Reach]]] = [
    (
        EM,
        lambda to: in_organisations(
            f"{to}enterprise_id", "their enterprise's classes, while the filing is open"
        ),
    ),
    (
        IM,
        lambda to: Reach(
            "the classes they teach under a confirmed agreement, while the filing is open",
            lambda g: Q(**{f"{to}pk__in": partner_cohorts(g).values("pk")}),
        ),
    ),
]


def through_class(path: str, reach: Reach) -> Reach:
    """The rows whose class (`path`) the class's own reach gives."""

    def q(grant: Grant, reach: Reach = reach) -> Q:
        return Q(**{f"{path}__in": Cohort.objects.filter(reach.q(grant)).values("pk")})

    return Reach(f"those of {reach.label}", q)


def through(path: str, model: type[Model], reach: Reach) -> Reach:
    """The rows whose `path` (a class or an enrollment) `model`'s own `reach` gives."""

    def q(grant: Grant, reach: Reach = reach) -> Q:
        return Q(**{f"{path}__in": model._default_manager.filter(reach.q(grant)).values("pk")})

    return Reach(f"those of {reach.label}", q)


def taught_sessions(grant: Grant):
    """The registers the user taught (as the module's teacher or an apprentice's mentor)."""
    return Session.objects.filter(mentor__person__user_id=grant.user_id).values("pk")


def responsible_modules(grant: Grant):
    return Module.objects.filter(responsible__person__user_id=grant.user_id).values("pk")


TEACHES = Reach(
    "the classes they mentor in, hold a letter for or teach a module of",
    lambda g: (
        Q(pk__in=mentored(g).values("cohort_id"))
        | Q(pk__in=lettered_cohorts(g))
        | Q(
            pk__in=Module.objects.filter(responsible__person__user_id=g.user_id).values(
                "plan__cohort_id"
            )
        )
    ),
)


def follow(model: type, path: str, table_of: type) -> None:
    """`model`'s rows are read by whoever reads `table_of`'s row at `path`."""
    table = access_table(table_of)
    assert table is not None
    for role, reaches in list(table.rules.get(VIEW, {}).items()):
        allow(model, VIEW, role, *(through(path, table_of, reach) for reach in reaches))


def register() -> None:
    _plans()
    _calendar()
    _registers()
    _reviews_and_assessments()


def _calendar() -> None:
    follow(Block, "cohort", Cohort)
    allow(Block, CHANGE, EM, in_organisations("cohort__enterprise_id", "their classes' calendars"))
    allow(
        Block,
        CHANGE,
        IM,
        in_rows_of("cohort", "the calendars of the classes they teach", partner_cohorts),
    )
    allow(Cohort, CALENDAR, EM, in_organisations("enterprise_id", "their enterprise's classes"))
    allow(Cohort, CALENDAR, IM, PARTNER_CLASSES)


def in_rows_of(path: str, label: str, rows) -> Reach:
    return Reach(label, lambda g: Q(**{f"{path}__in": rows(g).values("pk")}))


def _registers() -> None:
    # A register's heading (date, module, times) is read by whoever reads its class; its lines
    # (one apprentice's hours) by whoever reads that apprentice's enrollment, and by the
    # teacher or mentor who taught the register.
    follow(Session, "cohort", Cohort)
    follow(Hours, "enrollment", Enrollment)
    allow(
        Hours,
        VIEW,
        MENTOR,
        Reach("the registers they taught", lambda g: Q(session__in=taught_sessions(g))),
    )
    # Evidence (photos of the class, signed sheets) is for the parties, the reviewers and the
    # teachers and mentors of the class, not for the apprentices in the picture.
    allow(Evidence, VIEW, EM, in_organisations("session__cohort__enterprise_id", "their classes'"))
    allow(
        Evidence,
        VIEW,
        IM,
        in_rows_of("session__cohort", "the classes they teach", partner_cohorts),
    )
    allow(
        Evidence,
        VIEW,
        Role.DISTRICT_REVIEWER,
        Reach(
            "their district's classes'",
            lambda g: Q(session__cohort__enterprise__district_id__in=g.district_ids),
        ),
    )
    allow(
        Evidence,
        VIEW,
        MENTOR,
        Reach(
            "the registers of the classes they mentor in, hold a letter for or teach",
            lambda g: Q(session__cohort__in=Cohort.objects.filter(TEACHES.q(g)).values("pk")),
        ),
    )
    allow(Cohort, REGISTER, MENTOR, TEACHES)
    # Evidence is added to a register by whoever may record its class's registers.
    allow(Session, REGISTER, MENTOR, through_class("cohort", TEACHES))
    allow(Hours, CONFIRM, ANYONE, of_user("enrollment__person__user_id", "their own hours"))
    allow(
        Hours,
        CONFIRM,
        MENTOR,
        Reach("the hours of the apprentices they mentor", lambda g: Q(enrollment__in=mentored(g))),
    )
    allow(Hours, DISPUTE, ANYONE, of_user("enrollment__person__user_id", "their own hours"))
    allow(
        Hours,
        RESOLVE,
        MENTOR,
        Reach(
            "the hours of the modules they are responsible for",
            lambda g: Q(session__module__in=responsible_modules(g)),
        ),
    )
    allow(Hours, RESOLVE, EM, in_organisations("cohort__enterprise_id", "their classes' hours"))
    allow(Hours, RESOLVE, IM, in_rows_of("cohort", "the classes they teach", partner_cohorts))
    allow(
        Hours,
        CORRECT,
        MENTOR,
        Reach("the registers they taught", lambda g: Q(session__in=taught_sessions(g))),
        Reach(
            "the hours of the modules they are responsible for",
            lambda g: Q(session__module__in=responsible_modules(g)),
        ),
    )


def _reviews_and_assessments() -> None:
    follow(Review, "enrollment", Enrollment)
    follow(Assessment, "enrollment", Enrollment)
    allow(
        Review,
        SIGN,
        MENTOR,
        Reach(
            "the reviews of the apprentices they mentor", lambda g: Q(enrollment__in=mentored(g))
        ),
    )
    allow(
        Review,
        CHANGE,
        MENTOR,
        Reach(
            "the reviews of the apprentices they mentor (until signed)",
            lambda g: Q(enrollment__in=mentored(g)),
        ),
    )
    allow(Review, SIGN, ANYONE, of_user("enrollment__person__user_id", "their own reviews"))
    # The assessment completes the enrollment the subsidy is paid on: recorded by the teaching
    # institution or the bureau (the city reaches every row), never by the enterprise.
    allow(Cohort, ASSESS, IM, PARTNER_CLASSES)
    allow(
        Assessment,
        CHANGE,
        IM,
        in_rows_of("enrollment__cohort", "the classes they teach", partner_cohorts),
    )


def _plans() -> None:
    table = access_table(Cohort)
    assert table is not None  # programmes registers before training (INSTALLED_APPS)
    for model, path in ((TrainingPlan, "cohort"), (Module, "plan__cohort")):
        for role, reaches in list(table.rules.get(VIEW, {}).items()):
            allow(model, VIEW, role, *(through_class(path, reach) for reach in reaches))
        for role, party in PARTIES:
            allow(model, CHANGE, role, party(f"{path}__"))
    for role, party in PARTIES:
        allow(Cohort, PLAN, role, party(""))
    # Plan templates are shared reference data (ReferenceQuerySet): read by every signed-in
    # user, changed by the city bureau; no table of their own.
