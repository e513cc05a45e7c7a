"""How the audit log names what the subsidies app records (core.audit_labels)."""

from django.utils.translation import gettext_lazy as _

from xuetu.core.audit_labels import register_audit_labels

ACTIONS = {
    "subsidypolicy.create": _("Subsidy policy version recorded"),
    "subsidypolicy.update": _("Subsidy policy version changed"),
}
FIELDS = {"standards": _("standards per year")}


def register() -> None:
    register_audit_labels(actions=ACTIONS, fields=FIELDS)
