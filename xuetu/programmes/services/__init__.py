"""Writes to agreements, mentors, classes (cohorts) and rosters.

Each function is keyword-only, one transaction, with its audit event; views, the API, imports,
commands and the demo all call these (import from here, not from the modules). `by=None` is a
system action (a command, the demo data) and skips the role checks, which exist for people.

Status changes are conditional updates (`UPDATE … WHERE status = <the status the caller
saw>`) that must change exactly one row: a double click or two reviewers at once apply a
transition once, and the loser gets `core.problems.Refused` (HTTP 409).
"""

from xuetu.programmes.services.agreements import (
    agreement_confirm,
    agreement_create,
    agreement_update,
)
from xuetu.programmes.services.changes import (
    enrollment_change_mentor,
    enrollment_substitute,
    enrollment_transfer,
)
from xuetu.programmes.services.cohorts import (
    cohort_approve,
    cohort_close,
    cohort_complete,
    cohort_create,
    cohort_reject,
    cohort_return,
    cohort_start,
    cohort_submit,
    cohort_update,
    cohort_withdraw,
    filing_problems,
)
from xuetu.programmes.services.common import (
    current_policy,
    notify,
    require_manager,
    require_reviewer,
)
from xuetu.programmes.services.enrollments import enrollment_create, enrollment_update
from xuetu.programmes.services.exceptions import (
    cohort_early_consent_set,
    cohort_mentor_ratio_set,
    person_retirement_track_set,
    retirement_track_reason,
)
from xuetu.programmes.services.lifecycle import (
    enrollment_activate,
    enrollment_complete,
    enrollment_pause,
    enrollment_resume,
    enrollment_reverse,
    enrollment_withdraw,
    reversible_event,
)
from xuetu.programmes.services.mentors import (
    appointment_issue,
    appointment_store_pdf,
    mentor_create,
    mentor_update,
)
from xuetu.programmes.services.people import (
    enrollment_create_with_person,
    enrollment_substitute_with_person,
    mentor_create_with_person,
    person_by_id_number,
)
from xuetu.programmes.services.roster import (
    Applicant,
    RosterFacts,
    RosterPlan,
    roster_enroll,
    roster_facts,
    roster_plan,
)
from xuetu.programmes.services.supporting import (
    document_request_create,
    document_request_withdraw,
    supporting_document_attach,
)

__all__ = [
    "Applicant",
    "RosterFacts",
    "RosterPlan",
    "agreement_confirm",
    "agreement_create",
    "agreement_update",
    "appointment_issue",
    "appointment_store_pdf",
    "cohort_approve",
    "cohort_close",
    "cohort_complete",
    "cohort_create",
    "cohort_early_consent_set",
    "cohort_mentor_ratio_set",
    "cohort_reject",
    "cohort_return",
    "cohort_start",
    "cohort_submit",
    "cohort_update",
    "cohort_withdraw",
    "current_policy",
    "document_request_create",
    "document_request_withdraw",
    "enrollment_activate",
    "enrollment_change_mentor",
    "enrollment_complete",
    "enrollment_create",
    "enrollment_create_with_person",
    "enrollment_pause",
    "enrollment_resume",
    "enrollment_reverse",
    "enrollment_substitute",
    "enrollment_substitute_with_person",
    "enrollment_transfer",
    "enrollment_update",
    "enrollment_withdraw",
    "filing_problems",
    "mentor_create",
    "mentor_create_with_person",
    "mentor_update",
    "notify",
    "person_by_id_number",
    "person_retirement_track_set",
    "require_manager",
    "require_reviewer",
    "retirement_track_reason",
    "reversible_event",
    "roster_enroll",
    "roster_facts",
    "roster_plan",
    "supporting_document_attach",
]
