"""The world and the bulk rows the scenarios run on: valid ID numbers, Chinese names, classes
in every status, enrollments, audit events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from suite.config import ROSTER, log

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = [
    *("伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明"),
    *("超", "秀英", "丽", "霞", "平", "刚", "建国", "晓东", "海燕", "志强", "春梅", "文"),
]
CONTRACT_START = dt.date(2025, 9, 1)
CONTRACT_END = dt.date(2028, 8, 31)


def chinese_name(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)]


class IdNumbers:
    """Valid, unique resident ID numbers for one area code: 100 per birth date."""

    def __init__(self, area: str, first_birth: dt.date) -> None:
        self.area, self.first_birth, self.count = area, first_birth, 0

    def next(self) -> tuple[str, dt.date, str]:
        from xuetu.core.identifiers import make_resident_id

        i = self.count
        self.count += 1
        birth = self.first_birth + dt.timedelta(days=i // 100)
        gender = "M" if i % 2 == 0 else "F"
        return make_resident_id(self.area, birth, i % 100, gender=gender), birth, gender


@dataclass
class Data:
    """What the scenarios need, built on `build_world()` and grown from 10 rows to full size."""

    world: Any
    agreement: Any
    agreement2: Any
    occupation: Any
    detail: Any  # the class whose page and filing form are measured
    import_cohort: Any  # a draft class the roster files are imported into
    appointment: Any
    mentors: list[Any]  # enterprise mentors carrying the bulk enrollments
    mentors2: list[Any]
    teachers: list[Any]
    import_mentors: list[Any]  # fresh enterprise mentors named in the roster file
    import_teacher: Any
    apprentice_ids: IdNumbers = field(
        default_factory=lambda: IdNumbers("500112", dt.date(1996, 1, 1))
    )
    cohort_serial: int = 0
    audit_serial: int = 0


def bulk_people(ids: IdNumbers, count: int, organisation: Any, offset: int = 0) -> list[Any]:
    """`count` people registered by `organisation` (or by `organisation(i)` when callable)."""
    from xuetu.registry.models import Person

    people = []
    for i in range(count):
        number, birth, gender = ids.next()
        people.append(
            Person(
                id_number=number,
                name=chinese_name(offset + i),
                gender=gender,
                birth_date=birth,
                registered_by_id=(organisation(i) if callable(organisation) else organisation).pk,
            )
        )
    created = Person.objects.bulk_create(people, batch_size=1000)
    if any(person.pk is None for person in created):  # a backend without RETURNING
        by_number = dict(
            Person.objects.filter(id_number__in=[p.id_number for p in created]).values_list(
                "id_number", "pk"
            )
        )
        for person in created:
            person.pk = by_number[person.id_number]
    return created


def bulk_mentors(
    ids: IdNumbers, count: int, organisation: Any, *, teacher: bool, offset: int
) -> list[Any]:
    from xuetu.programmes.choices import MentorKind
    from xuetu.programmes.models import Mentor

    people = bulk_people(ids, count, organisation, offset=offset)
    kind = MentorKind.INSTITUTION if teacher else MentorKind.ENTERPRISE
    values = {} if teacher else {"certificate_level": 3, "years_experience": 12}
    Mentor.objects.bulk_create(
        [Mentor(person=p, organisation=organisation, kind=kind, **values) for p in people]
    )
    # Read back with their people (and pks on any backend).
    return list(
        Mentor.objects.filter(person__in=people).select_related("person").order_by("person__pk")
    )


def cohort_rows(data: Data, count: int, enterprise: Any, agreement: Any) -> list[Any]:
    """Classes in every status, spread over six years of start dates."""
    from xuetu.programmes.models import Cohort

    rows = []
    for _ in range(count):
        data.cohort_serial += 1
        rows.append(cohort_row(data, data.cohort_serial, enterprise, agreement))
    created = Cohort.objects.bulk_create(rows, batch_size=500)
    if any(cohort.pk is None for cohort in created):
        codes = {cohort.code: cohort for cohort in created}
        for pk, code in Cohort.objects.filter(code__in=codes).values_list("pk", "code"):
            codes[code].pk = pk
    return created


def cohort_row(data: Data, n: int, enterprise: Any, agreement: Any) -> Any:
    from xuetu.programmes.choices import CohortStatus as S
    from xuetu.programmes.models import Cohort

    statuses = [S.DRAFT, S.SUBMITTED, S.APPROVED, S.IN_TRAINING, S.IN_TRAINING, S.COMPLETED]
    statuses.append(S.CLOSED)
    start = dt.date(2020, 3, 1) + dt.timedelta(days=(n * 37) % 2190)
    status = statuses[n % len(statuses)]
    submitted = status != S.DRAFT
    return Cohort(
        code=f"BJ-BENCH-{n:06d}",
        name=f"{data.occupation.name}高级工学徒班 {n}",
        enterprise=enterprise,
        institution=data.world.institution,
        agreement=agreement,
        occupation=data.occupation,
        target_level=3,
        planned_start=start,
        planned_end=start + dt.timedelta(days=730),
        planned_headcount=20,
        plan_summary="理论教学 400 学时，岗位实训 1200 学时。",
        status=status,
        submitted_by=data.world.users["enterprise"] if submitted else None,
        submitted_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC) if submitted else None,
    )


def enrollment_status(cohort_status: str) -> str:
    from xuetu.programmes.choices import CohortStatus, EnrollmentStatus

    return {
        CohortStatus.IN_TRAINING: EnrollmentStatus.ACTIVE,
        CohortStatus.COMPLETED: EnrollmentStatus.COMPLETED,
        CohortStatus.CLOSED: EnrollmentStatus.COMPLETED,
    }.get(cohort_status, EnrollmentStatus.ENROLLED)


def bulk_enroll(cohorts_and_people: list[tuple[Any, Any]], mentors_for: Callable) -> None:
    from xuetu.programmes.choices import ApprenticeCategory
    from xuetu.programmes.models import Enrollment

    categories = list(ApprenticeCategory.values)
    rows = []
    for i, (cohort, person) in enumerate(cohorts_and_people):
        mentor, teacher = mentors_for(cohort, i)
        rows.append(
            Enrollment(
                cohort=cohort,
                person=person,
                category=categories[i % len(categories)],
                contract_start=min(CONTRACT_START, cohort.planned_start),
                contract_end=None,
                social_insurance=True,
                enterprise_mentor=mentor,
                institution_mentor=teacher,
                status=enrollment_status(cohort.status),
                planned_end=cohort.planned_end,
            )
        )
    Enrollment.objects.bulk_create(rows, batch_size=1000)


AUDIT_KINDS = [
    ("registry.person", "person.create"),
    ("programmes.enrollment", "enrollment.create"),
    ("programmes.cohort", "cohort.update"),
    ("programmes.mentor", "mentor.update"),
]


def add_audit_events(data: Data, count: int) -> None:
    from xuetu.core.models import AuditEvent

    world = data.world
    actors = [world.users[name] for name in ("enterprise", "enterprise2", "school", "bureau")]
    orgs = [world.enterprise, world.enterprise2, world.institution, world.city]
    rows = []
    for _ in range(count):
        data.audit_serial += 1
        rows.append(audit_row(data.audit_serial, actors, orgs))
        if len(rows) == 5000:
            AuditEvent.objects.bulk_create(rows, batch_size=1000)
            rows = []
    AuditEvent.objects.bulk_create(rows, batch_size=1000)


def audit_row(n: int, actors: list[Any], orgs: list[Any]) -> Any:
    from xuetu.core.models import AuditEvent

    object_type, action = AUDIT_KINDS[n % len(AUDIT_KINDS)]
    return AuditEvent(
        actor=actors[n % len(actors)],
        organisation=orgs[n % len(orgs)],
        action=action,
        object_type=object_type,
        object_id=str(n),
        object_repr=chinese_name(n),
        before={"phone": ""} if action.endswith("update") else None,
        after={"name": chinese_name(n), "phone": f"139{n % 10**8:08d}"},
        ip=f"10.0.{n % 250}.{n % 200 + 1}",
    )


def build_base() -> Data:
    """build_world(), a policy, agreements, mentors, the measured classes, and 10 rows of
    everything the scenarios count."""
    from django.db import transaction

    from xuetu.programmes.tests.factories import make_agreement, make_occupation, make_policy
    from xuetu.testing import build_world

    with transaction.atomic():
        world = build_world()
        make_policy()
        occupation = make_occupation()
        agreement = make_agreement(world, number="XY-BENCH-000001")
        agreement2 = make_agreement(world, enterprise=world.enterprise2, number="XY-BENCH-000002")
        mentor_ids = IdNumbers("500103", dt.date(1975, 1, 1))
        data = Data(
            world=world,
            agreement=agreement,
            agreement2=agreement2,
            occupation=occupation,
            detail=None,
            import_cohort=None,
            appointment=None,
            mentors=bulk_mentors(mentor_ids, 20, world.enterprise, teacher=False, offset=0),
            mentors2=bulk_mentors(mentor_ids, 5, world.enterprise2, teacher=False, offset=20),
            teachers=bulk_mentors(mentor_ids, 5, world.institution, teacher=True, offset=25),
            import_mentors=[],
            import_teacher=None,
        )
        add_measured_classes(data)
    return data


def add_measured_classes(data: Data) -> None:
    """The class whose page and filing form are measured, with an appointment letter, and
    the draft class the roster files are imported into."""
    from xuetu.programmes.choices import CohortStatus
    from xuetu.programmes.models import Appointment
    from xuetu.programmes.tests.factories import END, START, make_cohort

    common = {"agreement": data.agreement, "occupation": data.occupation}
    data.detail = make_cohort(
        data.world,
        status=CohortStatus.SUBMITTED,
        code="BJ-BENCH-DETAIL",
        name="焊工高级工学徒班（基准）",
        planned_headcount=ROSTER,
        **common,
    )
    data.import_cohort = make_cohort(
        data.world, code="BJ-BENCH-IMPORT", name="焊工高级工学徒班（导入）", **common
    )
    data.appointment = Appointment.objects.create(
        mentor=data.mentors[0],
        cohort=data.detail,
        number="PS-BENCH-000001",
        term_start=START,
        term_end=END,
        issued_on=START,
    )


def grow(data: Data, *, cohorts: int, other_cohorts: int, roster: int, enrollments: int) -> None:
    """Bring the data up to the given totals (classes of each enterprise, the detail class's
    roster, all enrollments); existing rows are kept."""
    from django.db import transaction

    world = data.world
    with transaction.atomic():
        grow_classes(data, world.enterprise, data.agreement, cohorts)
        grow_classes(data, world.enterprise2, data.agreement2, other_cohorts)
        grow_detail_roster(data, roster)
        grow_enrollments(data, enrollments)


def mentors_for(data: Data) -> Callable[[Any, int], tuple[Any, Any]]:
    def pick(cohort: Any, i: int) -> tuple[Any, Any]:
        own = cohort.enterprise_id == data.world.enterprise.pk
        pool = data.mentors if own else data.mentors2
        return pool[i % len(pool)], data.teachers[i % len(data.teachers)]

    return pick


def grow_classes(data: Data, enterprise: Any, agreement: Any, total: int) -> None:
    from xuetu.programmes.models import Cohort

    have = Cohort.objects.filter(enterprise=enterprise).count()
    if total > have:
        log(f"  + {total - have:,} classes of {enterprise.name}")
        cohort_rows(data, total - have, enterprise, agreement)


def grow_detail_roster(data: Data, roster: int) -> None:
    from xuetu.programmes.models import Enrollment

    on_roster = Enrollment.objects.filter(cohort=data.detail).count()
    if roster > on_roster:
        log(f"  + {roster - on_roster} apprentices on {data.detail.code}")
        people = bulk_people(
            data.apprentice_ids, roster - on_roster, data.world.enterprise, offset=on_roster
        )
        bulk_enroll([(data.detail, p) for p in people], mentors_for(data))


def grow_enrollments(data: Data, enrollments: int) -> None:
    """People and enrollments in the other classes, 5,000 at a time."""
    from xuetu.programmes.models import Cohort, Enrollment

    total = Enrollment.objects.count()
    missing = enrollments - total
    if missing <= 0:
        return
    log(f"  + {missing:,} people and enrollments in the other classes")
    measured = [data.detail.pk, data.import_cohort.pk]
    targets = list(Cohort.objects.exclude(pk__in=measured).order_by("pk"))
    done = 0
    while done < missing:
        chunk = min(5000, missing - done)
        cohorts = [targets[(done + j) % len(targets)] for j in range(chunk)]
        people = bulk_people(
            data.apprentice_ids,
            chunk,
            lambda j, cohorts=cohorts: cohorts[j].enterprise,
            offset=total + done,
        )
        bulk_enroll(list(zip(cohorts, people, strict=True)), mentors_for(data))
        done += chunk
        log(f"    {total + done:,} / {enrollments:,} enrollments")


def grow_audit(data: Data, events: int) -> None:
    from django.db import transaction

    from xuetu.core.models import AuditEvent

    have = AuditEvent.objects.count()
    if events > have:
        log(f"  + {events - have:,} audit events")
        with transaction.atomic():
            add_audit_events(data, events - have)
