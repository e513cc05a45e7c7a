"""Who reaches subsidy policies and claims (core.access).

Policies are shared reference data (`ReferenceQuerySet`), read by every signed-in user (an
enterprise reads the standards its classes will earn) and changed by the city bureau alone.

Claims are public money paid to an enterprise, with its apprentices' names and their
certificates on the lines: the minimum necessary (PIPL art. 6) is the enterprise's managers
(their own classes' claims), the reviewers of the enterprise's district, and the city bureau
(which approves and pays: no table row, the city reaches everything). Institutions, mentors
and apprentices read none of it; an apprentice is told when a claim naming them goes on
notice and when it is paid, and reads the public notice (masked names, no ID numbers).
Budgets are the bureaus' own; the register of subsidies granted (ID numbers) the city's
alone.
"""

from __future__ import annotations

from xuetu.accounts.choices import Role
from xuetu.core.access import CHANGE, VIEW, allow, declare, in_districts, in_organisations
from xuetu.programmes.models import Cohort
from xuetu.subsidies.models import (
    Budget,
    Claim,
    ClaimLine,
    LedgerEntry,
    Notice,
    Objection,
    RefundObligation,
    SubsidyGrant,
    SubsidyPolicy,
    SubsidyStandard,
)

EM, DR = Role.ENTERPRISE_MANAGER, Role.DISTRICT_REVIEWER
CLAIM = "claim"  # on a class: drafting, changing and submitting its subsidy claims
REVIEW = "review"  # on a claim: review, decide lines, notice, return, reject


def register() -> None:
    # No role but the city bureau changes a policy or its standards; everyone signed in reads.
    declare(SubsidyPolicy)
    declare(SubsidyStandard)
    allow(Cohort, CLAIM, EM, in_organisations("enterprise_id", "their enterprise's classes"))
    _claims()
    declare(SubsidyGrant)


def _claims() -> None:
    own = "their enterprise's claims"
    district = "the claims of their district's enterprises"
    allow(Claim, VIEW, EM, in_organisations("cohort__enterprise_id", own))
    allow(Claim, CHANGE, EM, in_organisations("cohort__enterprise_id", own))
    allow(Claim, VIEW, DR, in_districts("district_id", district))
    allow(Claim, REVIEW, DR, in_districts("district_id", district))
    for model, path in (
        (ClaimLine, "claim__"),
        (LedgerEntry, "claim__"),
        (RefundObligation, "claim__"),
        (Notice, "claim__"),
    ):
        allow(model, VIEW, EM, in_organisations(f"{path}cohort__enterprise_id", own))
        allow(model, VIEW, DR, in_districts(f"{path}district_id", district))
    # The objector's name and contact: the reviewers alone.
    allow(Objection, VIEW, DR, in_districts("notice__claim__district_id", district))
    allow(Budget, VIEW, DR, in_districts("district_id", "their district's budgets"))
