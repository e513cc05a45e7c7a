"""How the audit log names what training records (core.audit_labels)."""

from django.utils.translation import gettext_lazy as _

from xuetu.core.audit_labels import register_audit_labels

ACTIONS = {
    "trainingplan.create": _("Training plan drawn up"),
    "trainingplan.update": _("Training plan changed"),
    "module.create": _("Plan module added"),
    "module.update": _("Plan module changed"),
    "module.delete": _("Plan module removed"),
    "module.reorder": _("Plan modules reordered"),
}


def register() -> None:
    register_audit_labels(actions=ACTIONS)
