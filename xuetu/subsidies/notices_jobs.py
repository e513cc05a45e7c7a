"""The notices of the subsidies app's jobs (the yearly settlement), by message id."""

from django.utils.translation import gettext_lazy as _

from xuetu.core.notices import register_notices

NOTICES = {
    # To the enterprise's managers.
    "claim.drafted": _(
        "The bureau drafted the settlement claim of class %(code)s for %(year)s (%(amount)s "
        "yuan): give the payee account and submit it."
    ),
}

register_notices(NOTICES)
