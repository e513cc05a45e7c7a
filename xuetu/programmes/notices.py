"""The notices programmes sends, by message id (core renders each in its reader's language)."""

from django.utils.translation import gettext_lazy as _

from xuetu.core.notices import register_notices

NOTICES = {
    "agreement.awaits_confirmation": _("Agreement %(number)s awaits your confirmation."),
    "agreement.changed": _("Agreement %(number)s was changed; confirm it."),
    "agreement.confirmed": _("Agreement %(number)s is confirmed."),
    "cohort.reopened": _("Class %(code)s was changed and is a draft again."),
    "cohort.submitted": _("Class %(code)s was submitted for review."),
    "cohort.approved": _("Class %(code)s was approved."),
    "cohort.returned": _("Class %(code)s was returned for changes: %(comment)s"),
    "cohort.rejected": _("Class %(code)s was rejected: %(comment)s"),
    "cohort.withdrawn": _("Class %(code)s was withdrawn by the enterprise."),
    "cohort.started": _("Class %(code)s started training."),
    "cohort.completed": _("Class %(code)s completed training."),
    "cohort.closed": _("Class %(code)s was closed."),
    "cohort.early_start": _(
        "The district reviewer allows class %(code)s to start from %(on)s: %(reason)s"
    ),
    "cohort.early_completion": _(
        "The district reviewer allows class %(code)s to complete from %(on)s: %(reason)s"
    ),
    # To the apprentice and their mentors (services.common.notify_enrollment).
    "enrollment.activated": _("%(name)s started training in class %(code)s on %(on)s."),
    "enrollment.withdrawn": _("%(name)s was withdrawn from class %(code)s on %(on)s."),
    "enrollment.paused": _("The training of %(name)s in class %(code)s is paused from %(on)s."),
    "enrollment.resumed": _("%(name)s resumed training in class %(code)s on %(on)s."),
    "enrollment.completed": _("%(name)s completed training in class %(code)s on %(on)s."),
    "enrollment.mentor_changed": _("The mentors of %(name)s in class %(code)s changed."),
    "enrollment.reversed": _(
        "A mistaken change of %(on)s to %(name)s in class %(code)s was reversed: %(reason)s"
    ),
    # Supporting documents (services.supporting).
    "document.requested": _("The reviewer asks for a document for class %(code)s: %(what)s."),
    "document.attached": _("A document was attached to class %(code)s: %(what)s."),
}

register_notices(NOTICES)
