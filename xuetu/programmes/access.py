"""Who reaches programmes' rows, by role and relation (core.access), and what programmes adds
to the registry's tables: the people on one's rosters, the partners of a confirmed
agreement. The defaults follow the minimum necessary (PIPL art. 6):

- a district reviewer: what belongs to the enterprises of their district;
- an enterprise or institution manager: their organisation's rows, and what a **confirmed**
  partnership shares (a one-sided draft shares nothing but itself);
- a mentor or teacher: their own records and letters, the enrollments they mentor and those
  apprentices, the classes of those enrollments (read-only), and the roster of a class they
  hold a letter for;
- an apprentice: their own enrollments, classes and history; nothing else.
"""

from __future__ import annotations

from django.db.models import Q

from xuetu.accounts.choices import Role
from xuetu.core.access import (
    ANYONE,
    CHANGE,
    VIEW,
    Grant,
    Reach,
    allow,
    in_districts,
    in_organisations,
    in_rows,
    of_user,
)
from xuetu.programmes.choices import AgreementSide, MentorKind
from xuetu.programmes.models import (
    Appointment,
    Cohort,
    CooperationAgreement,
    DocumentRequest,
    Enrollment,
    EnrollmentEvent,
    Mentor,
    SupportingDocument,
)
from xuetu.registry.access import CONTACT
from xuetu.registry.models import Enterprise, Person

EM, IM = Role.ENTERPRISE_MANAGER, Role.INSTITUTION_MANAGER
DR, MENTOR = Role.DISTRICT_REVIEWER, Role.MENTOR
REVIEW = "review"  # the district's decision on a filing
RUN = "run"  # starting and completing the training: the enterprise (the institution is told)
CONFIRM = "confirm"  # an agreement: the side that did not draft it
FILING = "filing"  # the filing form with the roster's ID numbers: the parties and the reviewer

CONFIRMED = Q(enterprise_confirmed_at__isnull=False, institution_confirmed_at__isnull=False)


def confirmed_agreements(grant: Grant, side: str):
    return CooperationAgreement.objects.filter(CONFIRMED, **{f"{side}_id__in": grant.org_ids})


def partner_cohorts(grant: Grant):
    """The classes an institution teaches under an agreement both sides confirmed."""
    return Cohort.objects.filter(
        institution_id__in=grant.org_ids,
        agreement__in=confirmed_agreements(grant, "institution"),
    )


def mentored(grant: Grant):
    """The enrollments the user mentors, as enterprise mentor or institution teacher."""
    return Enrollment.objects.filter(
        Q(enterprise_mentor__person__user_id=grant.user_id)
        | Q(institution_mentor__person__user_id=grant.user_id)
    )


def mentored_people(grant: Grant):
    return mentored(grant).values("person_id")


def lettered_cohorts(grant: Grant):
    """The classes the user holds an appointment letter for (responsible for the class)."""
    return Appointment.objects.filter(
        mentor__person__user_id=grant.user_id, cohort__isnull=False
    ).values("cohort_id")


def own_enrollments(grant: Grant):
    return Enrollment.objects.filter(person__user_id=grant.user_id)


PARTNER_CLASSES = Reach(
    "the classes they teach under a confirmed agreement",
    lambda g: Q(pk__in=partner_cohorts(g).values("pk")),
)


def register() -> None:
    _agreements()
    _mentors()
    _cohorts()
    _enrollments()
    _supporting()
    _registry()


def _agreements() -> None:
    model = CooperationAgreement
    allow(model, VIEW, EM, in_organisations("enterprise_id", "their enterprise's agreements"))
    allow(model, VIEW, IM, in_organisations("institution_id", "their institution's agreements"))
    allow(model, VIEW, DR, in_districts("enterprise__district_id", "their district's agreements"))
    allow(model, CHANGE, EM, in_organisations("enterprise_id", "their enterprise's agreements"))
    allow(model, CHANGE, IM, in_organisations("institution_id", "their institution's agreements"))
    allow(
        model,
        CONFIRM,
        EM,
        Reach(
            "their enterprise's agreements the institution drafted",
            lambda g: Q(enterprise_id__in=g.org_ids, drafted_by=AgreementSide.INSTITUTION),
        ),
    )
    allow(
        model,
        CONFIRM,
        IM,
        Reach(
            "their institution's agreements the enterprise drafted",
            lambda g: Q(institution_id__in=g.org_ids, drafted_by=AgreementSide.ENTERPRISE),
        ),
    )


def _mentors() -> None:
    for role in (EM, IM):
        allow(Mentor, VIEW, role, in_organisations("organisation_id", "their organisation's"))
        allow(Mentor, CHANGE, role, in_organisations("organisation_id", "their organisation's"))
        allow(
            Appointment,
            VIEW,
            role,
            in_organisations("mentor__organisation_id", "their organisation's letters"),
        )
        allow(
            Appointment,
            CHANGE,
            role,
            in_organisations("mentor__organisation_id", "their organisation's letters"),
        )
    allow(
        Mentor,
        VIEW,
        EM,
        Reach(
            "the teachers of institutions with a confirmed agreement, and those on their rosters",
            lambda g: (
                Q(
                    kind=MentorKind.INSTITUTION,
                    organisation_id__in=confirmed_agreements(g, "enterprise").values(
                        "institution_id"
                    ),
                )
                | Q(
                    pk__in=Enrollment.objects.filter(cohort__enterprise_id__in=g.org_ids).values(
                        "institution_mentor_id"
                    )
                )
            ),
        ),
    )
    allow(
        Mentor,
        VIEW,
        DR,
        in_districts("organisation__district_id", "their district's organisations'"),
    )
    allow(
        Appointment,
        VIEW,
        DR,
        in_districts("mentor__organisation__district_id", "their district's organisations'"),
    )
    allow(Mentor, VIEW, ANYONE, of_user("person__user_id", "their own mentor record"))
    allow(Appointment, VIEW, ANYONE, of_user("mentor__person__user_id", "their own letters"))


def _cohorts() -> None:
    allow(Cohort, VIEW, EM, in_organisations("enterprise_id", "their enterprise's classes"))
    allow(Cohort, VIEW, IM, PARTNER_CLASSES)
    allow(Cohort, VIEW, DR, in_districts("enterprise__district_id", "their district's classes"))
    allow(
        Cohort,
        VIEW,
        MENTOR,
        Reach(
            "the classes of the enrollments they mentor and the classes they hold a letter for",
            lambda g: Q(pk__in=mentored(g).values("cohort_id")) | Q(pk__in=lettered_cohorts(g)),
        ),
    )
    allow(
        Cohort,
        VIEW,
        ANYONE,
        Reach(
            "the classes they are enrolled in",
            lambda g: Q(pk__in=own_enrollments(g).values("cohort_id")),
        ),
    )
    allow(Cohort, CHANGE, EM, in_organisations("enterprise_id", "their enterprise's classes"))
    allow(Cohort, REVIEW, DR, in_districts("enterprise__district_id", "their district's filings"))
    allow(Cohort, RUN, EM, in_organisations("enterprise_id", "their enterprise's classes"))
    allow(Cohort, FILING, EM, in_organisations("enterprise_id", "their enterprise's classes"))
    allow(Cohort, FILING, IM, PARTNER_CLASSES)
    allow(Cohort, FILING, DR, in_districts("enterprise__district_id", "their district's filings"))


def _enrollments() -> None:
    for model, path, own in (
        (Enrollment, "", "pk"),
        (EnrollmentEvent, "enrollment__", "enrollment"),
    ):
        allow(
            model,
            VIEW,
            EM,
            in_organisations(f"{path}cohort__enterprise_id", "the rosters of their classes"),
        )
        allow(
            model,
            VIEW,
            IM,
            in_rows(
                f"{path}cohort",
                "the classes they teach under a confirmed agreement",
                partner_cohorts,
            ),
        )
        allow(
            model,
            VIEW,
            DR,
            in_districts(
                f"{path}cohort__enterprise__district_id", "the rosters of their district's classes"
            ),
        )
        allow(
            model,
            VIEW,
            MENTOR,
            in_rows(own, "the enrollments they mentor", mentored),
        )
        allow(model, VIEW, ANYONE, of_user(f"{path}person__user_id", "their own"))
    # The roster of a class one holds a letter for (registers are taken for the whole class);
    # the history of another apprentice's enrollment (its reasons) is not part of it.
    allow(
        Enrollment,
        VIEW,
        MENTOR,
        Reach(
            "the roster of a class they hold a letter for",
            lambda g: Q(cohort_id__in=lettered_cohorts(g)),
        ),
    )
    allow(
        Enrollment,
        CHANGE,
        EM,
        in_organisations("cohort__enterprise_id", "the rosters of their classes"),
    )


def _supporting() -> None:
    """Supporting documents (a labour contract, an ID card, a transfer certificate) and the
    reviewer's requests for them: the class's parties and its reviewer, never its mentors or
    apprentices (the minimum necessary: they are other people's papers)."""
    for model in (DocumentRequest, SupportingDocument):
        allow(model, VIEW, EM, in_organisations("cohort__enterprise_id", "their classes'"))
        allow(
            model,
            VIEW,
            IM,
            in_rows(
                "cohort", "the classes they teach under a confirmed agreement", partner_cohorts
            ),
        )
        allow(model, VIEW, DR, in_districts("cohort__enterprise__district_id", "their district's"))
    allow(
        DocumentRequest,
        REVIEW,
        DR,
        in_districts("cohort__enterprise__district_id", "their district's filings"),
    )
    # A document is never edited; "change" is replacing it with a new upload.
    allow(
        SupportingDocument,
        CHANGE,
        EM,
        in_organisations("cohort__enterprise_id", "their classes' (replaced, never edited)"),
    )


def _registry() -> None:
    """What programmes' relations add to the registry's tables."""
    allow(
        Person,
        VIEW,
        EM,
        Reach(
            "the apprentices on their classes' rosters and their mentors",
            lambda g: (
                Q(
                    pk__in=Enrollment.objects.filter(cohort__enterprise_id__in=g.org_ids).values(
                        "person_id"
                    )
                )
                | Q(pk__in=Mentor.objects.filter(organisation_id__in=g.org_ids).values("person_id"))
            ),
        ),
    )
    allow(
        Person,
        VIEW,
        IM,
        Reach(
            "the apprentices and teachers of the classes they teach under a confirmed agreement",
            lambda g: (
                Q(
                    pk__in=Enrollment.objects.filter(cohort__in=partner_cohorts(g)).values(
                        "person_id"
                    )
                )
                | Q(pk__in=Mentor.objects.filter(organisation_id__in=g.org_ids).values("person_id"))
            ),
        ),
    )
    allow(
        Person,
        VIEW,
        DR,
        Reach(
            "the apprentices of their district's classes",
            lambda g: Q(
                pk__in=Enrollment.objects.filter(
                    cohort__enterprise__district_id__in=g.district_ids
                ).values("person_id")
            ),
        ),
    )
    allow(
        Person,
        VIEW,
        MENTOR,
        Reach(
            "the apprentices they mentor",
            lambda g: Q(pk__in=mentored(g).values("person_id")),
        ),
    )
    allow(Person, CONTACT, MENTOR, in_rows("pk", "the apprentices they mentor", mentored_people))
    allow(
        Enterprise,
        VIEW,
        IM,
        Reach(
            "the enterprises with a confirmed agreement with them",
            lambda g: Q(pk__in=confirmed_agreements(g, "institution").values("enterprise_id")),
        ),
    )
