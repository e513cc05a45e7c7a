"""How the audit log names what certification records (core.audit_labels)."""

from django.utils.translation import gettext_lazy as _

from xuetu.core.audit_labels import register_audit_labels

ACTIONS = {
    "certificate.create": _("Certificate recorded"),
    "certificate.queue": _("Certificate recorded for the bureau's review"),
    "certificate.verify": _("Certificate verified"),
    "certificate.reject": _("Certificate rejected"),
}

register_audit_labels(actions=ACTIONS)
