"""The notices the registry sends, by message id (core renders each in its reader's language)."""

from django.utils.translation import gettext_lazy as _

from xuetu.core.notices import register_notices

NOTICES = {
    "enterprise.facts_changed": _(
        "The bureau changed the registered name, USCC or district of %(enterprise)s."
    ),
}

register_notices(NOTICES)
