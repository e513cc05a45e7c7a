"""Who reaches certificates (core.access), and whose certificates one may record (a row this
app adds to the registry's table of people). The minimum necessary (PIPL art. 6):

- the holder sees their own certificates;
- the teaching institution (a class it teaches under a confirmed agreement) records and sees
  the certificates of that class's apprentices; the organisation that recorded one changes it
  until the bureau verifies it;
- the enterprise of the holder's class sees them, read-only: it claims the subsidy the
  certificate earns, so it never records one;
- the district reviewer sees those of their district's classes' apprentices;
- the city bureau sees, records and reviews all of them (the city reaches every row).
"""

from __future__ import annotations

from django.db.models import Q

from xuetu.accounts.choices import Role
from xuetu.certification.choices import ReviewStatus
from xuetu.certification.models import Certificate
from xuetu.core.access import ANYONE, CHANGE, VIEW, Grant, Reach, allow, declare, of_user
from xuetu.programmes.access import partner_cohorts
from xuetu.programmes.choices import EnrollmentStatus
from xuetu.programmes.models import Enrollment
from xuetu.registry.models import Person

EM, IM, DR = Role.ENTERPRISE_MANAGER, Role.INSTITUTION_MANAGER, Role.DISTRICT_REVIEWER
REVIEW = "review"  # the bureau's verify or reject
CERTIFY = "certify"  # on a person: recording their certificates

ENROLLED = ~Q(status=EnrollmentStatus.WITHDRAWN)


def taught_people(grant: Grant):
    """The apprentices enrolled (any status but withdrawn) in a class the institution teaches
    under a confirmed agreement."""
    return Enrollment.objects.filter(ENROLLED, cohort__in=partner_cohorts(grant)).values(
        "person_id"
    )


def register() -> None:
    model = Certificate
    declare(model)
    allow(model, VIEW, ANYONE, of_user("holder__user_id", "their own certificates"))
    allow(
        model,
        VIEW,
        IM,
        Reach("the certificates they recorded", lambda g: Q(organisation_id__in=g.org_ids)),
        Reach(
            "the certificates of the apprentices of the classes they teach",
            lambda g: Q(holder_id__in=taught_people(g)),
        ),
    )
    allow(
        model,
        VIEW,
        EM,
        Reach(
            "the certificates of the apprentices of their classes (read-only)",
            lambda g: Q(
                holder_id__in=Enrollment.objects.filter(cohort__enterprise_id__in=g.org_ids).values(
                    "person_id"
                )
            ),
        ),
    )
    allow(
        model,
        VIEW,
        DR,
        Reach(
            "the certificates of the apprentices of their district's classes",
            lambda g: Q(
                holder_id__in=Enrollment.objects.filter(
                    cohort__enterprise__district_id__in=g.district_ids
                ).values("person_id")
            ),
        ),
    )
    allow(
        model,
        CHANGE,
        IM,
        Reach(
            "the certificates they recorded, until the bureau verifies them",
            lambda g: Q(organisation_id__in=g.org_ids) & ~Q(review_status=ReviewStatus.VERIFIED),
        ),
    )
    # REVIEW: the city bureau alone (it reaches every row); no other role has a row.
    allow(
        Person,
        CERTIFY,
        IM,
        Reach(
            "the apprentices enrolled in the classes they teach (not withdrawn)",
            lambda g: Q(pk__in=taught_people(g)),
        ),
    )
