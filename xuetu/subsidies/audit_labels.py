"""How the audit log names what the subsidies app records (core.audit_labels)."""

from django.utils.translation import gettext_lazy as _

from xuetu.core.audit_labels import register_audit_labels

ACTIONS = {
    "subsidypolicy.create": _("Subsidy policy version recorded"),
    "subsidypolicy.update": _("Subsidy policy version changed"),
    "claim.create": _("Subsidy claim drafted"),
    "claim.update": _("Subsidy claim's payee changed"),
    "claim.delete": _("Subsidy claim draft discarded"),
    "claim.account_exported": _("Payee account exported for the finance bureau"),
    "claim.recompute": _("Subsidy claim recomputed"),
    "claim.submit": _("Subsidy claim submitted"),
    "claim.review": _("Subsidy claim taken under review"),
    "claim.special_approval": _("Special approval of a longer duration recorded"),
    "claim.notice": _("Subsidy claim put on public notice"),
    "claim.objection": _("Subsidy claim held by an objection"),
    "claim.approve": _("Subsidy claim approved"),
    "claim.pay": _("Subsidy claim paid"),
    "claim.return": _("Subsidy claim returned"),
    "claim.reject": _("Subsidy claim rejected"),
    "claimline.decide": _("Claim line decided"),
    "refundobligation.create": _("Refund obligation recorded"),
    "refundobligation.repay": _("Repayment recorded"),
    "objection.create": _("Objection to a public notice raised"),
    "objection.resolve": _("Objection resolved"),
    "budget.create": _("Budget recorded"),
    "budget.update": _("Budget changed"),
    "subsidygrant.import": _("Subsidy history imported"),
}
FIELDS = {
    "standards": _("standards per year"),
    "kind": _("kind"),
    "entitled": _("entitled"),
    "advanced": _("advanced"),
    "payable": _("payable"),
    "payee_bank": _("bank"),
    "payee_name": _("account name"),
    "payee_account": _("account number"),
    "decision": _("decision"),
    "decision_reason": _("reason for the decision"),
    "special_approval_reason": _("special approval reason"),
    "submitted_by": _("submitted by"),
    "submitted_at": _("submitted at"),
    "reviewed_by": _("reviewer"),
    "reviewed_at": _("review started at"),
    "approved_by": _("approved by"),
    "approved_at": _("approved at"),
    "paid_at": _("paid at"),
    "claim_date": _("claim date"),
    "comment": _("reviewer's comment"),
    "amount": _("amount"),
    "due_on": _("due on"),
    "repaid": _("repaid"),
    "notice": _("public notice"),
    "resolution": _("resolution"),
    "year": _("year"),
    "rows": _("rows"),
    "period": _("period"),
}


def register() -> None:
    register_audit_labels(actions=ACTIONS, fields=FIELDS)
