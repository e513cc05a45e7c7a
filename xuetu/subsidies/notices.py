"""The notices the subsidies app sends, by message id (core renders each in its reader's
language)."""

from django.utils.translation import gettext_lazy as _

from xuetu.core.notices import register_notices

NOTICES = {
    # To the reviewing bureaus.
    "claim.submitted": _(
        "Class %(code)s submitted a subsidy claim (%(claim_kind)s, %(amount)s yuan)."
    ),
    "objection.raised": _(
        "An objection was raised to the public notice of class %(code)s's subsidy claim: the "
        "claim is back under review."
    ),
    # To the enterprise's managers.
    "claim.approved": _("The subsidy claim of class %(code)s (%(claim_kind)s) was approved."),
    "claim.paid": _(
        "The subsidy claim of class %(code)s (%(claim_kind)s) was paid: %(amount)s yuan."
    ),
    "claim.returned": _("The subsidy claim of class %(code)s was returned: %(reason)s"),
    "claim.rejected": _("The subsidy claim of class %(code)s was rejected: %(reason)s"),
    "refund.due": _("Class %(code)s owes %(amount)s yuan of its advance back, due by %(due)s."),
    "refund.overdue": _(
        "Reminder: class %(code)s still owes %(amount)s yuan of its advance, due by %(due)s."
    ),
    # To each apprentice named on the claim.
    "claim.on_notice": _(
        "%(enterprise)s claims a training subsidy for you (class %(code)s). It is on public "
        "notice until %(last)s: if you did not train, you may object."
    ),
    "claim.paid_apprentice": _(
        "The training subsidy %(enterprise)s claimed for you (class %(code)s) was paid."
    ),
}

register_notices(NOTICES)
