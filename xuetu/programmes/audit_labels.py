"""How the audit log names what programmes record (core.audit_labels)."""

from django.utils.translation import gettext_lazy as _

from xuetu.core.audit_labels import register_audit_labels
from xuetu.programmes.choices import EnrollmentEventKind

ACTIONS = {
    **{f"enrollment.{kind}": label for kind, label in EnrollmentEventKind.choices},
    "enrollment.change_mentor": _("Mentor changed"),
    "enrollment.substitute": _("Substitute enrolled"),
    "enrollment.transfer": _("Transferred to another class"),
    "cohort.roster_import": _("Roster imported"),
    "cooperationagreement.confirm": _("Agreement confirmed"),
    "appointment.render_pdf": _("Letter PDF rendered"),
    "appointment.recode": _("Verification code replaced"),
    "documentrequest.create": _("Document requested"),
    "documentrequest.withdraw": _("Document request withdrawn"),
    "documentrequest.fulfil": _("Document request fulfilled"),
    "supportingdocument.create": _("Supporting document attached"),
    "supportingdocument.supersede": _("Supporting document replaced"),
}

register_audit_labels(
    actions=ACTIONS,
    # What each object's name and link read, fetched with it rather than row by row.
    link_related={
        "programmes.mentor": ["person"],
        "programmes.enrollment": ["person", "cohort"],
        "programmes.appointment": ["mentor"],
        "programmes.documentrequest": ["cohort"],
    },
)
