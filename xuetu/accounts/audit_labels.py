"""How the audit log names what accounts record (core.audit_labels)."""

from django.utils.translation import gettext_lazy as _

from xuetu.core.audit_labels import register_audit_labels

register_audit_labels(
    actions={
        "user.token_issue": _("API token issued"),
        "user.token_revoke": _("API token revoked"),
        "accessattempt.release": _("Sign-in lockout released"),
        "user.account_open": _("Account opened"),
        "user.activation_code_issue": _("Activation code issued"),
        "user.activate": _("Account activated"),
        "user.role_add": _("Role added"),
        "user.account_close": _("Account closed"),
        "user.password_change": _("Password changed"),
    },
    fields={
        "replaced": _("replaced"),
        "expires": _("expires"),
        "reason": _("reason"),
        "username": _("user name"),
        "role": _("role"),
        "roles": _("roles"),
        "deactivated": _("deactivated"),
    },
    link_related={"accounts.membership": ["user", "organisation"]},
)
