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
    "session.create": _("Register recorded"),
    "hours.confirm": _("Hours confirmed"),
    "hours.confirm_many": _("Hours confirmed together"),
    "hours.dispute": _("Hours disputed"),
    "hours.resolve": _("Dispute resolved"),
    "hours.correct": _("Hours corrected"),
    "evidence.create": _("Evidence added to a register"),
    "assessment.create": _("Assessment recorded"),
    "assessment.correct": _("Assessment corrected"),
}
# Keys of the register's events that are no model field.
FIELDS = {
    "present": _("apprentices present"),
    "absent": _("apprentices absent"),
    "hours": _("hours entries"),
}


def register() -> None:
    register_audit_labels(actions=ACTIONS, fields=FIELDS)
