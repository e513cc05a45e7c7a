"""The notices certification sends, by message id (core renders each in its reader's language)."""

from django.utils.translation import gettext_lazy as _

from xuetu.core.notices import register_notices

NOTICES = {
    "certificate.verified": _("The bureau verified certificate %(number)s of %(name)s."),
    "certificate.rejected": _("The bureau rejected certificate %(number)s of %(name)s: %(reason)s"),
}

register_notices(NOTICES)
