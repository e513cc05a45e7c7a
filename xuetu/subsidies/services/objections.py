"""Objections to a public notice (issue 10, item 5): anyone may object while a notice runs
(a public form, no login). An objection holds the claim for review: the claim goes back under
review and the notice is withdrawn; a reviewer upholds or dismisses the objection with a
reason, and a claim still to be paid is put on notice again (a new notice, a new period)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xuetu.accounts.models import User
from xuetu.core.audit import audit_record
from xuetu.core.notices import notify_organisations
from xuetu.core.problems import Problem, refuse_if
from xuetu.core.services import lock
from xuetu.core.transitions import transition
from xuetu.core.validators import validate_line, validate_text
from xuetu.programmes.selectors import reviewing_bureaus
from xuetu.subsidies.choices import CLAIM_FLOW, ClaimStatus, ObjectionStatus
from xuetu.subsidies.models import Claim, Notice, Objection
from xuetu.subsidies.services.claims import REASON_NEEDED, require_reviewer

NOT_RUNNING = Problem(
    "notice_not_running", _("This notice is not running: objections are closed."), "text"
)
TEXT_NEEDED = Problem("objection_text", _("Say what is wrong."), "text")
RESOLVED = Problem("objection_resolved", _("This objection is resolved already."), "status")


def objection_raise(
    *, notice: Notice, text: str, name: str = "", contact: str = "", today: dt.date | None = None
) -> Objection:
    """Anyone's objection, during the notice: the claim goes back under review."""
    today = today or timezone.localdate()
    text, name, contact = (text or "").strip(), (name or "").strip(), (contact or "").strip()
    with transaction.atomic():
        claim = notice.claim
        lock(claim)
        notice.refresh_from_db()
        problems = []
        if not (notice.running(today) and claim.status == ClaimStatus.ON_NOTICE):
            problems.append(NOT_RUNNING)
        if not text:
            problems.append(TEXT_NEEDED)
        refuse_if(problems)
        objection = Objection(
            notice=notice, text=text[:2000], name=name[:60], contact=contact[:100]
        )
        validate_text(objection.text)
        validate_line(objection.name)
        validate_line(objection.contact)
        objection.save()
        Notice.objects.filter(pk=notice.pk).update(withdrawn_at=timezone.now())
        transition(claim, to=ClaimStatus.UNDER_REVIEW, flow=CLAIM_FLOW, by=None, action="objection")
        audit_record(by=None, action="objection.create", obj=objection, after={"notice": notice.pk})
        notify_organisations(
            reviewing_bureaus(claim.cohort), "objection.raised", claim, code=claim.cohort.code
        )
    return objection


def objection_resolve(
    *, by: User | None, objection: Objection, upheld: bool, reason: str
) -> Objection:
    """A reviewer of the claim upholds or dismisses the objection, with a reason."""
    claim: Claim = objection.notice.claim
    require_reviewer(by, claim)
    reason = (reason or "").strip()
    with transaction.atomic():
        lock(objection)
        problems = [] if objection.status == ObjectionStatus.OPEN else [RESOLVED]
        refuse_if(problems + ([] if reason else [REASON_NEEDED]))
        objection.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
        objection.resolved_by, objection.resolved_at = by, timezone.now()
        objection.resolution = reason[:300]
        objection.full_clean(validate_constraints=False)
        objection.save(update_fields=["status", "resolved_by", "resolved_at", "resolution"])
        audit_record(
            by=by,
            action="objection.resolve",
            obj=objection,
            before={"status": ObjectionStatus.OPEN},
            after={"status": objection.status, "resolution": objection.resolution},
        )
    return objection
