"""The notices training sends, by message id (core renders each in its reader's language)."""

from django.utils.translation import gettext_lazy as _

from xuetu.core.notices import register_notices

NOTICES = {
    # To the enterprise's managers (assessments.assessment_record): it claims the subsidy.
    "assessment.recorded": _(
        "The assessment of %(name)s in class %(code)s was recorded (%(outcome)s, %(on)s); "
        "the apprentice completed the training."
    ),
}

register_notices(NOTICES)
