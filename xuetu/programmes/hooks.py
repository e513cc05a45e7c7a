"""What programmes asks of the apps above it (see core.providers)."""

from xuetu.core.providers import hook

# The (occupation code, skill level) pairs already subsidised for a person: one person is
# subsidised once for the same occupation at the same level, ever (DESIGN.md §1). The
# subsidies app answers from its paid claim lines; each provider answers an iterable of pairs.
PRIOR_SUBSIDIES = hook("programmes.prior_subsidies", "(occupation code, level) pairs paid")

# An account closes when its person leaves the organisation: receivers of programmes' own
# saves, connected when the app loads (programmes.people_accounts).
from xuetu.programmes.services import people_accounts  # noqa: E402

people_accounts.connect()
