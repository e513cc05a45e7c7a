"""What programmes asks of the apps above it (see core.providers)."""

from xuetu.core.providers import hook

# The (occupation code, skill level) pairs already subsidised for a person: one person is
# subsidised once for the same occupation at the same level, ever (DESIGN.md §1). The
# subsidies app answers from its paid claim lines; each provider answers an iterable of pairs.
PRIOR_SUBSIDIES = hook("programmes.prior_subsidies", "(occupation code, level) pairs paid")
