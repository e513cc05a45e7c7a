"""How the audit log names what accounts record (core.audit_labels)."""

from django.utils.translation import gettext_lazy as _

from xuetu.core.audit_labels import register_audit_labels

register_audit_labels(
    actions={
        "user.token_issue": _("API token issued"),
        "user.token_revoke": _("API token revoked"),
        "accessattempt.release": _("Sign-in lockout released"),
    },
    fields={"replaced": _("replaced"), "expires": _("expires"), "reason": _("reason")},
    link_related={"accounts.membership": ["user", "organisation"]},
)
